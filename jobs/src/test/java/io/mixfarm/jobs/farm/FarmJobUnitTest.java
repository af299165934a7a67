package io.mixfarm.jobs.farm;

import org.apache.spark.SparkConf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FarmJobUnitTest {

    @ParameterizedTest(name = "{0} -> last attempt {1}")
    @CsvSource(delimiter = ';', value = {
            "local; 0", "local[2]; 0", "local[*]; 0", "local[2,3]; 2", "local[*, 4]; 3",
            "spark://master:7077; 3", "yarn; 3", "local-cluster[2,1,2048]; 3"})
    void lastAttemptFollowsTheMaster(String master, int expected) {
        assertEquals(expected, FarmJob.lastAttempt(new SparkConf(false).set("spark.master", master)));
    }

    @ParameterizedTest(name = "maxFailures {0}")
    @CsvSource({"1, 0", "8, 7"})
    void lastAttemptOnAClusterFollowsMaxFailures(int maxFailures, int expected) {
        SparkConf conf = new SparkConf(false).set("spark.master", "yarn")
                .set("spark.task.maxFailures", Integer.toString(maxFailures));
        assertEquals(expected, FarmJob.lastAttempt(conf));
    }
}
