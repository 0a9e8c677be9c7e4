package io.tenantlake.engine.refined;

import static io.tenantlake.engine.refined.RefinedFixtures.issue;
import static io.tenantlake.engine.refined.RefinedFixtures.issues;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A one-tenant upsert reads and rewrites only what it must, whatever the table holds. */
class RefinedMergeCostTest {
  static final int TENANTS = 1_000;
  static final int COMMITS = 4;
  static final int PER_COMMIT = 5;

  @TempDir Path dir;

  static String tenant(int t) {
    return String.format("tenant-%04d", t);
  }

  static String entity(int e) {
    return String.format("E-%02d", e);
  }

  @Test
  void aOneTenantUpsertReadsOnlyTheFilesThatCanHoldItsKeysAndLeavesOtherTenantsAlone() throws Exception {
    // Up to 8 small files per partition: the set-up's 4 commits leave 4 files per tenant.
    MergePolicy policy = MergePolicy.defaults().withSmallFiles(8L << 20, 8).withWriteParallelism(2);
    try (RefinedTableWriter w = RefinedTableWriter.open(DeltaStorage.local(dir), issues("issue"), policy)) {
      // 1,000 tenants x 20 entities; commit c holds entities 5c..5c+4 of every tenant.
      for (int c = 0; c < COMMITS; c++) {
        List<EntityRows> batch = new ArrayList<>();
        for (int t = 0; t < TENANTS; t++) {
          for (int e = c * PER_COMMIT; e < (c + 1) * PER_COMMIT; e++) batch.add(issue(tenant(t), entity(e), 1, "v1"));
        }
        MergeReport r = w.merge(batch, c, "{\"c\":" + c + "}");
        assertThat(r.filesAdded()).isEqualTo(TENANTS);
        assertThat(r.filesRead()).as("inserts of new keys read nothing").isZero();
      }
      String target = tenant(417);
      List<DataFile> before = w.table().liveFiles();
      assertThat(before).hasSize(TENANTS * COMMITS);
      Set<String> targetFiles = before.stream().filter(f -> f.partitionValues().get("tenant_id").equals(target))
          .map(DataFile::path).collect(Collectors.toSet());
      assertThat(targetFiles).hasSize(COMMITS);

      // Update entity 7 (in the second commit's file), delete entity 12 (third), insert entity 20.
      MergeReport r = w.merge(List.of(issue(target, entity(7), 2, "v2"), RefinedFixtures.deleted(target, entity(12), 2),
          issue(target, entity(20), 1, "new")), COMMITS, "{\"c\":\"upsert\"}");

      assertThat(r.entitiesApplied()).isEqualTo(3);
      assertThat(r.filesRead()).as("only the files whose key range holds E-07 or E-12").isEqualTo(2);
      assertThat(r.filesSkipped()).isEqualTo(2);
      assertThat(r.filesRemoved()).isEqualTo(2);
      assertThat(r.filesAdded()).isEqualTo(1);
      assertThat(r.rowsCopied()).as("the other entities of the two rewritten files").isEqualTo(8);
      assertThat(r.rowsWritten()).isEqualTo(3);

      List<DataFile> after = w.table().liveFiles();
      Set<String> othersBefore = paths(before, f -> !f.partitionValues().get("tenant_id").equals(target));
      Set<String> othersAfter = paths(after, f -> !f.partitionValues().get("tenant_id").equals(target));
      assertThat(othersAfter).as("every other tenant's files untouched").isEqualTo(othersBefore);
      Set<String> targetAfter = paths(after, f -> f.partitionValues().get("tenant_id").equals(target));
      assertThat(targetAfter).hasSize(3);
      assertThat(targetAfter.stream().filter(targetFiles::contains)).hasSize(2);

      // The whole table, as an independent reader sees it.
      Map<String, List<String>> rows = RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, Map.of()));
      assertThat(rows).hasSize(TENANTS * COMMITS * PER_COMMIT + 1);
      assertThat(rows.get(target + "/" + entity(7))).singleElement().asString().contains("summary=v2");
      assertThat(rows.get(target + "/" + entity(12))).singleElement().asString().contains("_deleted=true");
      assertThat(rows.get(target + "/" + entity(20))).singleElement().asString().contains("summary=new");
      assertThat(rows.get(tenant(416) + "/" + entity(7))).singleElement().asString().contains("summary=v1");
    }
  }

  private static Set<String> paths(List<DataFile> files, java.util.function.Predicate<DataFile> filter) {
    Set<String> out = new HashSet<>();
    files.stream().filter(filter).forEach(f -> out.add(f.path()));
    return out;
  }
}
