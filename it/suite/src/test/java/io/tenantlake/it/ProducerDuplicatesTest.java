package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactly once per event id as producers know it: a producer that sends some events twice, re-posts
 * whole requests (a retry after a timeout) and posts on through two SIGKILLs of the engine leaves
 * every event id once in raw (read with Delta Kernel); an id reused with other content is kept as a
 * conflict; refined equals the fold of what raw holds.
 */
class ProducerDuplicatesTest {
  static final Map<String, String> SMALL_BATCHES = Map.of("tenantlake.ingest.commit.max-records", "1500",
      "tenantlake.ingest.progress-interval", "1s");
  static final Path LOGS = Paths.get("target", "it-logs", "duplicates");
  static LocalLake lake;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOGS);
    lake = new LocalLake("region-dup", 2, LOGS);
    lake.startEngine(SMALL_BATCHES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  static ChangeEvent issue(String tenant, String eventId, String id, long version) {
    return ChangeEvent.newBuilder().setEventId(eventId).setTenantId(tenant).setEntityType("jira.issue").setEntityId(id)
        .setOp(version == 1 ? Op.OP_CREATED : Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary(id + " v" + version).build())).build();
  }

  @Test
  void duplicatesRetriesAndCrashesLeaveEachEventIdOnceInRaw() throws Exception {
    Random random = new Random(12);
    List<ChangeEvent> originals = new ArrayList<>();
    for (int t = 0; t < 50; t++) {
      String tenant = String.format("dup-%02d", t);
      for (int e = 0; e < 50; e++) {
        int versions = 1 + random.nextInt(5);
        for (int v = 1; v <= versions; v++) {
          originals.add(issue(tenant, tenant + "-I" + e + "-v" + v + "-" + Long.toHexString(random.nextLong()), "I-" + e, v));
        }
      }
    }
    Collections.shuffle(originals, random);
    // 5% sent twice (in another request), and 0.5% of ids reused by the producer with other content.
    List<ChangeEvent> stream = new ArrayList<>(originals);
    List<ChangeEvent> conflicts = new ArrayList<>();
    for (ChangeEvent e : originals) {
      double r = random.nextDouble();
      if (r < 0.05) stream.add(random.nextInt(stream.size()), e);
      else if (r < 0.055) {
        ChangeEvent other = e.toBuilder().setVersion(e.getVersion() + 100).build();
        conflicts.add(other);
        stream.add(random.nextInt(stream.size()), other);
      }
    }
    List<List<ChangeEvent>> requests = new ArrayList<>();
    for (int i = 0; i < stream.size(); i += 150) requests.add(stream.subList(i, Math.min(stream.size(), i + 150)));

    long posted = 0;
    int retried = 0;
    for (int r = 0; r < requests.size(); r++) {
      posted += post(requests.get(r));
      // A retry after a timeout: the whole request again, although it was accepted.
      if (r % 6 == 5) {
        posted += post(requests.get(r));
        retried++;
      }
      if (r == requests.size() / 3 || r == 2 * requests.size() / 3) {
        // Mid-stream: part of what was posted is in raw, the rest is still on Kinesis.
        lake.awaitRaw(posted / 4, Duration.ofMinutes(2));
        lake.killEngine();
        posted += post(requests.get(r));
        retried++;
        lake.startEngine(SMALL_BATCHES);
      }
    }
    assertThat(retried).isGreaterThan(5);
    // Every posted event has been read and decided (kept or dropped) once the checkpoint counts them.
    lake.awaitRawCheckpoint(posted, Duration.ofMinutes(5));

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    Map<String, List<Long>> versionsById = new HashMap<>();
    Map<String, Long> fold = new TreeMap<>();
    for (Map<String, Object> row : kernel.read(lake.tableLocation("raw/jira.issue"),
        List.of("tenant_id", "event_id", "entity_id", "version")).rows()) {
      versionsById.computeIfAbsent(row.get("tenant_id") + "/" + row.get("event_id"), k -> new ArrayList<>())
          .add((Long) row.get("version"));
      fold.merge(row.get("tenant_id") + "/" + row.get("entity_id"), (Long) row.get("version"), Math::max);
    }
    Set<String> conflicting = new HashSet<>();
    conflicts.forEach(c -> conflicting.add(c.getTenantId() + "/" + c.getEventId()));
    assertThat(versionsById).hasSize(originals.size());
    versionsById.forEach((id, versions) -> {
      int copies = conflicting.contains(id) ? 2 : 1;
      assertThat(versions).as("copies of %s", id).hasSize(copies);
      assertThat(new HashSet<>(versions)).as("distinct contents of %s", id).hasSize(copies);
    });
    assertThat(posted - originals.size() - conflicts.size()).as("duplicates posted").isGreaterThan(500);

    // Refined is the fold of raw's events (conflicting copies carry higher versions: they win).
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Map<String, Long> refined = Map.of();
    while (System.nanoTime() < deadline) {
      refined = lake.refinedVersions(kernel, "jira_issues");
      if (refined.equals(fold)) break;
      Thread.sleep(2_000);
    }
    assertThat(refined).isEqualTo(fold);
    StringBuilder logs = new StringBuilder();
    try (var files = Files.list(LOGS)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("engine-")).toList()) {
        logs.append(Files.readString(f));
      }
    }
    assertThat(logs.toString()).containsPattern("[1-9][0-9]* duplicates dropped \\{raw/jira.issue=")
        .contains("stored as a conflict")
        .as("a restarted writer rebuilds its filters from raw").containsPattern("rebuilt the id filters of [1-9]");
  }

  /**
   * Sends like a producer: right after a SIGKILL, or on a slow machine, Kinesis may not acknowledge a
   * request in time (503, events {@code unavailable}): those are sent again, duplicates or not.
   */
  private static long post(List<ChangeEvent> request) throws Exception {
    return new RetryingProducer(lake, Duration.ofMinutes(2)).send(request);
  }

}
