package io.mixfarm.jobs.config;

import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canonical rendering reads back to an equal config, and its hash depends on values only. */
class RenderTest {

    private static final String CUSTOM = """
            experiment {
              name = "odd \\"name\\" \\\\ with\\ttab and é"
              epochs = 10
              record-epochs = [7, 3, 3]
              record-every = 4
              schedules = [
                LR-decay
                { name = neg-control, text = "1: lr=0.1 wd=0.1; 6: lr=0.01 wd=0.05" }
                { name = fine.v2, text = "1: lr=1e-3, wd=5e-4; 3: lr=0.0001" }
              ]
              seed = -9223372036854775808
              fixed-init = true
              model.bn-eps = 1.5e-7
              output = "hdfs://nn:8020/runs/x"
              threads-per-trial = 3
            }
            """;

    @Test
    void renderParsesBackToAnEqualConfig() {
        for (ExperimentConfig config : List.of(
                ExperimentConfig.load(null, List.of()),
                ExperimentConfig.load(ExperimentConfigLoadTest.CONF.resolve("mnist-sample.conf"), List.of()),
                ExperimentConfig.load(ExperimentConfigLoadTest.CONF.resolve("mnist-tiny.conf"), List.of()),
                ExperimentConfig.parse(CUSTOM, List.of()),
                ExperimentConfig.parse("", List.of("seed=9223372036854775807", "schedules=[wd_decay]")),
                ExperimentConfig.parse("", List.of("epochs=24", "normalise=per-channel", "augment=pad-crop-flip",
                        "model.architecture=preresnet32", "schedules=[schedule-3, WD_0_0_LR_8_12, "
                                + "{name = m, text = \"1: lr=0.1 wd=5e-4 momentum=0.9\"}]")))) {
            String rendered = config.render();
            ExperimentConfig back = ExperimentConfig.parse(rendered, List.of());
            assertEquals(config, back, rendered);
            assertEquals(rendered, back.render());
        }
    }

    @Test
    void customConfigResolvesAsWritten() {
        ExperimentConfig config = ExperimentConfig.parse(CUSTOM, List.of());
        assertEquals(List.of(3, 4, 7, 8, 10), config.recordEpochs());
        assertEquals(List.of("LR-decay", "neg-control", "fine.v2"), config.scheduleNames());
        assertEquals(Schedule.parse("fine.v2", "1: lr=0.001 wd=0.0005; 3: lr=0.0001 wd=0.0005"),
                config.schedules().get(2));
        assertEquals(Long.MIN_VALUE, config.seed());
        assertEquals(1.5e-7, config.model().bnEps());
    }

    @Test
    void renderIsCanonicalJson() {
        String rendered = ExperimentConfig.load(ExperimentConfigLoadTest.CONF.resolve("mnist-tiny.conf"), List.of())
                .render();
        assertEquals("""
                {
                  "experiment": {
                    "augment": "none",
                    "batch-size": 128,
                    "bn-eval": "running",
                    "bn-eval-batches": 16,
                    "data": "mnist-sample",
                    "epochs": 4,
                    "fixed-init": false,
                    "mixing": null,
                    "model": {
                      "architecture": "mnist-cnn",
                      "bn-eps": 1.0E-8,
                      "width": 4
                    },
                    "name": "mnist-tiny",
                    "normalise": "none",
                    "output": "runs/mnist-tiny",
                    "record-epochs": [2, 4],
                    "record-every": 0,
                    "record-steps": {
                      "every": 0,
                      "from-epoch": 0
                    },
                    "schedules": ["Const", "LR-decay"],
                    "seed": 0,
                    "threads-per-trial": 1,
                    "trials": 3
                  }
                }
                """, rendered);
    }

    @Test
    void customSchedulesRenderAsNameAndText() {
        String rendered = ExperimentConfig.parse(CUSTOM, List.of()).render();
        assertTrue(rendered.contains("""
                    "schedules": [
                      "LR-decay",
                      {
                        "name": "neg-control",
                        "text": "1: lr=0.1 wd=0.1; 6: lr=0.01 wd=0.05"
                      },
                """), rendered);
    }

    @Test
    void hashIgnoresKeyOrderFormattingAndHowValuesWereGiven() {
        String a = """
                experiment {
                  trials = 3
                  epochs = 8
                  model { width = 8 }
                  record-epochs = [8, 4]
                  schedules = [Const, LR-decay]
                }
                """;
        String b = """
                # the same experiment, written differently
                experiment.schedules = ["Const", "lr_decay"]
                experiment.model.width = 8
                experiment.record-every = 4
                experiment.epochs = 8.0
                experiment { trials = "3" }
                """;
        ExperimentConfig first = ExperimentConfig.parse(a, List.of());
        ExperimentConfig second = ExperimentConfig.parse(b, List.of());
        assertEquals(first, second);
        assertEquals(first.hash(), second.hash());
        assertEquals(first.hash(), ExperimentConfig.parse(a, List.of()).hash(), "stable across calls");
        assertEquals(first.hash(), ExperimentConfig.parse("", List.of("trials=3", "epochs=8", "model.width=8",
                "record-every=4", "schedules=[Const, LR-decay]")).hash());
        assertTrue(first.hash().matches("[0-9a-f]{64}"), first.hash());
    }

    @Test
    void hashChangesWithAnyValue() {
        ExperimentConfig base = ExperimentConfig.parse("", List.of());
        List<ExperimentConfig> variants = List.of(
                base.withTrials(499),
                base.withOutput("runs/other"),
                base.withSchedules(List.of("Const", "LR-decay")),
                ExperimentConfig.parse("", List.of("seed=1")),
                ExperimentConfig.parse("", List.of("model.bn-eps=1e-7")),
                ExperimentConfig.parse("", List.of("record-epochs=[120]")),
                ExperimentConfig.parse("", List.of("fixed-init=true")),
                ExperimentConfig.parse("", List.of("threads-per-trial=2")),
                ExperimentConfig.parse("", List.of("bn-eval=recomputed")),
                ExperimentConfig.parse("", List.of("bn-eval-batches=4")),
                ExperimentConfig.parse("", List.of("schedules=[LR-decay, Const, WD-decay]")));
        for (ExperimentConfig variant : variants) {
            assertNotEquals(base.hash(), variant.hash(), variant.render());
        }
    }
}
