package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bootstrap jobs over an in-memory snapshot (the S3 reading is tested against S3Proxy elsewhere):
 * records reach the lane with their job's partition and position, a job is done only once its
 * last record is committed, a job resumes after its committed point, and bad requests are refused.
 */
class BootstrapJobsTest {
  static ActorSystem system;
  static final EntityTypeRegistry REGISTRY = EntityTypeRegistry.defaults();

  @BeforeAll
  static void start() {
    system = ActorSystem.create("bootstrap-jobs-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Two objects: five issues of tenant a, then three of tenant b and one of another type. */
  static class MemorySnapshot implements SnapshotReads {
    final List<List<BootstrapRecord>> objects = List.of(
        List.of(issue("a", 0), issue("a", 1), issue("a", 2), issue("a", 3), issue("a", 4)),
        List.of(issue("b", 0), issue("b", 1), user("b"), issue("b", 2)));

    @Override
    public List<BootstrapJob.SnapshotEntry> list(String uri) {
      if (uri.endsWith("/empty")) return List.of();
      return List.of(new BootstrapJob.SnapshotEntry("snap/part-0.pb", 500), new BootstrapJob.SnapshotEntry("snap/part-1.pb", 400));
    }

    @Override
    public Source<SnapshotRecord, NotUsed> read(String uri, List<BootstrapJob.SnapshotEntry> entries, int fromObject,
        long fromOffset, SnapshotProgress progress) {
      List<SnapshotRecord> out = new ArrayList<>();
      for (int o = fromObject; o < objects.size(); o++) {
        for (int i = o == fromObject ? (int) fromOffset : 0; i < objects.get(o).size(); i++) {
          out.add(new SnapshotRecord(o, entries.get(o).key(), i, objects.get(o).get(i).toByteArray(), null));
        }
      }
      return Source.from(out);
    }
  }

  @Test
  void aJobIsDoneWhenItsLastRecordIsCommitted(@TempDir Path dir) {
    BootstrapJobs jobs = jobs(dir);
    TestSubscriber.Probe<SourceRecord> lane = attach(jobs);
    JobStatus submitted = jobs.submit("jira.issue", "s3://snapshots/snap", null);
    String key = submitted.job().partitionKey();
    assertThat(key).isEqualTo("bootstrap/" + submitted.job().id());

    List<SourceRecord> records = take(lane, 9);
    assertThat(records).allSatisfy(r -> {
      assertThat(r.origin().lane()).isEqualTo(Lane.BOOTSTRAP);
      assertThat(r.origin().stream() + "/" + r.origin().shardId()).isEqualTo(key);
    });
    assertThat(records.get(5).origin().sequenceNumber()).isEqualTo(BootstrapJob.sequenceNumber(1, 0));
    assertThat(records.get(5).origin().locator()).isEqualTo("s3://snapshots/snap/part-1.pb record 0");
    // The identity.user record in a jira.issue job becomes a dead letter with the reason.
    assertThat(records.get(7).problem()).contains("identity.user");

    // Committed up to the next-to-last record: not done; up to the last: done, and stored so.
    jobs.committed(cycle(key, records.get(7).origin().sequenceNumber(), 8, 1));
    assertThat(jobs.status(submitted.job().id()).orElseThrow().job().state()).isEqualTo(BootstrapJob.State.RUNNING);
    jobs.committed(cycle(key, records.get(8).origin().sequenceNumber(), 9, 1));
    // The snapshot's end reaches the job just after its last record: either event may come first.
    JobStatus done = awaitFinished(jobs, submitted.job().id());
    assertThat(done.job().state()).isEqualTo(BootstrapJob.State.DONE);
    assertThat(done.recordsDone()).isEqualTo(9);
    assertThat(done.deadLetters()).isEqualTo(1);
    assertThat(done.objectsDone()).isEqualTo(2);
    assertThat(new BootstrapJobStore(DeltaStorage.local(dir)).load(submitted.job().id()).orElseThrow().state())
        .isEqualTo(BootstrapJob.State.DONE);
  }

  @Test
  void anUnfinishedJobResumesAfterItsCommittedPointAndFiltersByTenant(@TempDir Path dir) {
    BootstrapJobs first = jobs(dir);
    TestSubscriber.Probe<SourceRecord> firstLane = attach(first);
    JobStatus submitted = first.submit("jira.issue", "s3://snapshots/snap", "b");
    List<SourceRecord> seen = take(firstLane, 2);
    assertThat(seen).extracting(r -> r.origin().sequenceNumber())
        .containsExactly(BootstrapJob.sequenceNumber(1, 0), BootstrapJob.sequenceNumber(1, 1));

    // A new node finds the job in the store and resumes after (object 1, record 0).
    BootstrapJobs second = jobs(dir);
    String key = submitted.job().partitionKey();
    second.resumeFrom(Map.of(key, new Positions.Position(BootstrapJob.sequenceNumber(1, 0), 3, 1, 0)));
    TestSubscriber.Probe<SourceRecord> lane = attach(second);
    List<SourceRecord> resumed = take(lane, 3);
    assertThat(resumed).extracting(r -> r.origin().sequenceNumber()).containsExactly(
        BootstrapJob.sequenceNumber(1, 1), BootstrapJob.sequenceNumber(1, 2), BootstrapJob.sequenceNumber(1, 3));
    assertThat(second.status(submitted.job().id()).orElseThrow().recordsDone()).isEqualTo(1);

    JobStatus cancelled = second.cancel(submitted.job().id()).orElseThrow();
    assertThat(cancelled.job().state()).isEqualTo(BootstrapJob.State.CANCELLED);
  }

  @Test
  void aJobIsNotDoneWhileItsSnapshotIsStillBeingRead(@TempDir Path dir) {
    // A snapshot whose objects arrive slowly, and commits of other lanes meanwhile.
    SnapshotReads slow = new MemorySnapshot() {
      @Override
      public Source<SnapshotRecord, NotUsed> read(String uri, List<BootstrapJob.SnapshotEntry> entries, int fromObject,
          long fromOffset, SnapshotProgress progress) {
        return super.read(uri, entries, fromObject, fromOffset, progress).initialDelay(java.time.Duration.ofSeconds(2));
      }
    };
    BootstrapJobs jobs = jobs(dir, slow);
    TestSubscriber.Probe<SourceRecord> lane = attach(jobs);
    String id = jobs.submit("jira.issue", "s3://snapshots/snap", null).job().id();
    for (int i = 0; i < 5; i++) {
      jobs.committed(cycle("tenantlake-jira/shardId-000000000000", "4" + i, i + 1, 0));
      sleep(100);
    }
    assertThat(jobs.status(id).orElseThrow().job().state()).isEqualTo(BootstrapJob.State.RUNNING);
    assertThat(take(lane, 9)).hasSize(9);
  }

  @Test
  void aSnapshotThatCannotBeReadFailsTheJobWithTheReason(@TempDir Path dir) {
    SnapshotReads broken = new MemorySnapshot() {
      @Override
      public Source<SnapshotRecord, NotUsed> read(String uri, List<BootstrapJob.SnapshotEntry> entries, int fromObject,
          long fromOffset, SnapshotProgress progress) {
        return Source.failed(new IllegalStateException("s3://snapshots/snap/part-0.pb: 403 Access Denied"));
      }
    };
    BootstrapJobs jobs = jobs(dir, broken);
    attach(jobs);
    String id = jobs.submit("jira.issue", "s3://snapshots/snap", null).job().id();
    JobStatus status = awaitFinished(jobs, id);
    assertThat(status.job().state()).isEqualTo(BootstrapJob.State.FAILED);
    assertThat(status.job().error()).contains("403 Access Denied");
    assertThat(new BootstrapJobStore(DeltaStorage.local(dir)).load(id).orElseThrow().state()).isEqualTo(BootstrapJob.State.FAILED);
  }

  @Test
  void badSubmissionsAreRefusedWithTheReason(@TempDir Path dir) {
    BootstrapJobs jobs = jobs(dir);
    assertThatThrownBy(() -> jobs.submit("jira.sprint", "s3://snapshots/snap", null)).hasMessageContaining("jira.sprint");
    assertThatThrownBy(() -> jobs.submit("jira.issue", "s3://snapshots/empty", null)).hasMessageContaining("no snapshot objects");
    assertThatThrownBy(() -> jobs.submit("jira.issue", "s3://snapshots/snap", "bad tenant!")).hasMessageContaining("tenant");
    assertThat(jobs.all()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static BootstrapJobs jobs(Path dir) {
    return jobs(dir, new MemorySnapshot());
  }

  private static BootstrapJobs jobs(Path dir, SnapshotReads reads) {
    return new BootstrapJobs(new BootstrapJobStore(DeltaStorage.local(dir)), reads, REGISTRY,
        Materializer.matFromSystem(system), Runnable::run);
  }

  /** The job's status once it is no longer running, or after 5 s. */
  private static JobStatus awaitFinished(BootstrapJobs jobs, String id) {
    JobStatus status = jobs.status(id).orElseThrow();
    for (int i = 0; i < 50 && status.job().state() == BootstrapJob.State.RUNNING; i++) {
      sleep(100);
      status = jobs.status(id).orElseThrow();
    }
    return status;
  }

  private static TestSubscriber.Probe<SourceRecord> attach(BootstrapJobs jobs) {
    Pair<Sink<SourceRecord, NotUsed>, TestSubscriber.Probe<SourceRecord>> hub =
        MergeHub.of(SourceRecord.class, 16).toMat(TestSink.create(system), Keep.both()).run(system);
    jobs.attach(hub.first());
    return hub.second();
  }

  private static List<SourceRecord> take(TestSubscriber.Probe<SourceRecord> lane, int n) {
    lane.request(n);
    List<SourceRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(lane.expectNext(java.time.Duration.ofSeconds(5)));
    return out;
  }

  private static CycleResult cycle(String key, String seq, long records, long dead) {
    return new CycleResult(Map.of(), 0, 0, 1, 1, Map.of(key, seq), Map.of(key, new Positions.Position(seq, 1, records - dead, dead)));
  }

  static BootstrapRecord issue(String tenant, int i) {
    return BootstrapRecord.newBuilder().setEventId(tenant + "-issue-" + i).setTenantId(tenant).setEntityType("jira.issue")
        .setEntityId("ISSUE-" + i).setVersion(1).setPayload(Any.pack(Issue.newBuilder().setKey("ISSUE-" + i).build())).build();
  }

  static BootstrapRecord user(String tenant) {
    return BootstrapRecord.newBuilder().setEventId(tenant + "-user").setTenantId(tenant).setEntityType("identity.user")
        .setEntityId("user-1").setVersion(1).build();
  }
}
