package io.mixfarm.jobs.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code experiment.json} at the root of an output folder: which experiment the folder holds (its config and
 * hashes) and the provenance of the runs that wrote it. A folder belongs to one experiment <em>identity</em>:
 * the config minus the output path and the trial count, so an experiment can be moved or extended with more
 * trials (trial seeds do not depend on the count), but not changed.
 */
final class Manifest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {
    }

    /** The identity hash recorded in a manifest. */
    static String identityHash(String json) {
        return read(json).path("mixfarm.identity_hash").asText("");
    }

    /** The resolved config recorded in a manifest. */
    static String config(String json) {
        return read(json).path("mixfarm.config").asText("");
    }

    /** The number of classes of the experiment's data set. */
    static int classes(String json) {
        String value = read(json).path("mixfarm.classes").asText("");
        if (value.isEmpty()) {
            throw new ExperimentException("experiment.json records no number of classes (written by an older mixfarm?)");
        }
        return Integer.parseInt(value);
    }

    /** A new or updated manifest: keeps the first run's creation time and appends this run. */
    static String update(Optional<String> previous, String name, Map<String, String> provenance) {
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", name);
        provenance.forEach(root::put);
        String now = Instant.now().toString();
        ArrayNode runs;
        if (previous.isPresent()) {
            JsonNode old = read(previous.get());
            root.put("created", old.path("created").asText(now));
            runs = old.path("runs").isArray() ? ((ArrayNode) old.path("runs")).deepCopy() : JSON.createArrayNode();
        } else {
            root.put("created", now);
            runs = JSON.createArrayNode();
        }
        runs.addObject().put("spark_app_id", provenance.get("spark.app_id")).put("started", now)
                .put("config_hash", provenance.get("mixfarm.config_hash"));
        root.put("updated", now);
        root.set("runs", runs);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ExperimentException("experiment.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
