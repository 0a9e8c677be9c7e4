package io.tenantlake.engine.refined;

import static io.tenantlake.engine.refined.RefinedFixtures.deleted;
import static io.tenantlake.engine.refined.RefinedFixtures.issue;
import static io.tenantlake.engine.refined.RefinedFixtures.issues;
import static io.tenantlake.engine.refined.RefinedFixtures.labelled;
import static io.tenantlake.engine.refined.RefinedFixtures.labels;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.testkit.LocalS3;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The merge flow on S3 (S3Proxy through S3A), read back by Delta Kernel through S3A. */
class S3RefinedTableWriterTest {
  static LocalS3 s3;
  static DeltaStorage storage;

  @BeforeAll
  static void start() {
    s3 = LocalS3.start();
    s3.createBucket("refined-lake");
    storage = DeltaStorage.s3("refined-lake", "region-eu", s3.s3aSettings());
  }

  @AfterAll
  static void stop() {
    if (s3 != null) s3.close();
  }

  @Test
  void upsertDeleteRetryAndWatermarkOnS3() throws Exception {
    MergePolicy policy = MergePolicy.defaults().withWriteParallelism(4);
    try (RefinedTableWriter w = RefinedTableWriter.open(storage, issues("issue"), policy)) {
      w.merge(List.of(issue("t1", "I-1", 1, "one"), issue("t1", "I-2", 1, "two"), issue("t2", "I-1", 1, "x")), 0, "{\"s\":0}");
      MergeReport r = w.merge(List.of(issue("t1", "I-1", 3, "three"), deleted("t1", "I-2", 2), issue("t1", "I-1", 2, "old"),
          issue("t3", "I-5", 1, "new tenant")), 1, "{\"s\":1}");
      assertThat(r.entitiesApplied()).isEqualTo(3);
      assertThat(r.entitiesDroppedStale()).isEqualTo(1);
      assertThat(w.merge(List.of(issue("t1", "I-1", 9, "retry")), 1, "{\"s\":9}").alreadyCommitted()).isTrue();

      Map<String, List<String>> rows = RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, s3.s3aSettings()));
      assertThat(rows).containsOnlyKeys("t1/I-1", "t1/I-2", "t2/I-1", "t3/I-5");
      assertThat(rows.get("t1/I-1")).singleElement().asString().contains("summary=three", "_version=3");
      assertThat(rows.get("t1/I-2")).singleElement().asString().contains("_deleted=true", "_version=2");
      assertThat(rows.get("t3/I-5")).singleElement().asString().contains("summary=new tenant");
      assertThat(w.lastWatermark()).contains("{\"s\":1}");
    }
    // Reopened (a writer moved to another node): the table and its watermark are there.
    try (RefinedTableWriter again = RefinedTableWriter.open(storage, issues("issue"))) {
      assertThat(again.lastTxnVersion()).isEqualTo(1);
      assertThat(again.lastWatermark()).contains("{\"s\":1}");
    }
  }

  @Test
  void explodedModelOnS3() throws Exception {
    try (RefinedTableWriter w = RefinedTableWriter.open(storage, labels("issue_label"))) {
      w.merge(List.of(labelled("t1", "I-1", 1, "a", "b", "c")), 0, null);
      w.merge(List.of(labelled("t1", "I-1", 2, "b")), 1, null);
      assertThat(RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, s3.s3aSettings())).get("t1/I-1"))
          .singleElement().asString().contains("label=b", "_version=2");
      w.merge(List.of(labelled("t1", "I-1", 3)), 2, null);
      assertThat(RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, s3.s3aSettings())).get("t1/I-1"))
          .singleElement().asString().contains("_deleted=true", "_version=3");
    }
  }
}
