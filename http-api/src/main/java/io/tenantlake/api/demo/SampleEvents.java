package io.tenantlake.api.demo;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Jira- and Confluence-like change events for a set of tenants: deterministic for a seed, versions
 * increasing per entity, a few deletes. The demo's producer, the integration tests and the
 * benchmarks draw from it.
 */
public final class SampleEvents {
  private static final String[] STATUSES = {"To Do", "In Progress", "In Review", "Done"};
  private static final String[] LABELS = {"backend", "frontend", "bug", "urgent", "customer", "tech-debt"};

  private final List<String> tenants;
  private final List<String> entityTypes;
  private final int entitiesPerType;
  private final SplittableRandom random;
  private final Map<String, Long> versions = new HashMap<>();
  private long sequence;

  /**
   * @param entityTypes drawn in turn, e.g. jira.issue, identity.user, confluence.page
   * @param entitiesPerType distinct entity ids per tenant and type (more means fewer updates per entity)
   */
  public SampleEvents(List<String> tenants, List<String> entityTypes, int entitiesPerType, long seed) {
    this.tenants = List.copyOf(tenants);
    this.entityTypes = List.copyOf(entityTypes);
    this.entitiesPerType = entitiesPerType;
    this.random = new SplittableRandom(seed);
  }

  public static List<String> tenants(int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> String.format("tenant-%03d", i)).toList();
  }

  public ChangeEvent next() {
    long n = sequence++;
    String tenant = tenants.get(random.nextInt(tenants.size()));
    String type = entityTypes.get((int) (n % entityTypes.size()));
    String id = idFor(type, random.nextInt(entitiesPerType));
    String key = tenant + "/" + type + "/" + id;
    long version = versions.merge(key, 1L, Long::sum);
    Op op = version == 1 ? Op.OP_CREATED : random.nextInt(20) == 0 ? Op.OP_DELETED : Op.OP_UPDATED;
    Instant now = Instant.now();
    ChangeEvent.Builder b = ChangeEvent.newBuilder()
        .setEventId(tenant + "-" + n + "-" + Long.toHexString(random.nextLong()))
        .setTenantId(tenant).setEntityType(type).setEntityId(id).setOp(op).setVersion(version)
        .setEmittedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    if (op != Op.OP_DELETED) b.setPayload(Any.pack(payload(type, id, version, now)));
    return b.build();
  }

  private static String idFor(String type, int i) {
    return switch (type) {
      case "jira.issue" -> "ISSUE-" + i;
      case "jira.project" -> "PRJ-" + i;
      case "identity.user" -> "user-" + i;
      default -> "page-" + i;
    };
  }

  private Message payload(String type, String id, long version, Instant now) {
    Timestamp ts = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
    return switch (type) {
      case "jira.issue" -> Issue.newBuilder().setKey(id).setProjectId("PRJ-" + random.nextInt(10))
          .setSummary("Issue " + id + " v" + version).setDescription("Steps to reproduce, take " + version)
          .setStatus(STATUSES[random.nextInt(STATUSES.length)]).setAssigneeId("user-" + random.nextInt(50))
          .setPriority("P" + (1 + random.nextInt(4))).addLabels(LABELS[random.nextInt(LABELS.length)])
          .addLabels(LABELS[random.nextInt(LABELS.length)]).setCreated(ts).setUpdated(ts).build();
      case "jira.project" -> Project.newBuilder().setKey(id).setName("Project " + id + " v" + version)
          .setLeadId("user-" + random.nextInt(50)).build();
      case "identity.user" -> User.newBuilder().setDisplayName("User " + id + " v" + version)
          .setEmail(id + "@example.com").setActive(random.nextInt(10) != 0).build();
      default -> Page.newBuilder().setSpaceKey("SPACE" + random.nextInt(5)).setTitle("Page " + id + " v" + version)
          .setBody("<p>Body of " + id + ", revision " + version + "</p>").setAuthorId("user-" + random.nextInt(50))
          .setUpdated(ts).build();
    };
  }
}
