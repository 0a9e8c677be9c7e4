package io.tenantlake.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterReasonsTest {
  @Test
  void reasonsMapToABoundedSetOfKinds() {
    assertThat(DeadLetterReasons.kind("invalid event: tenant_id is empty [event 2 of 80 in the record]"))
        .isEqualTo("invalid_event");
    assertThat(DeadLetterReasons.kind("not a ChangeEvent protobuf: Protocol message end-group tag")).isEqualTo("not_protobuf");
    assertThat(DeadLetterReasons.kind("not a BootstrapRecord protobuf: truncated")).isEqualTo("not_protobuf");
    assertThat(DeadLetterReasons.kind("not a packed event record: bad tag")).isEqualTo("not_a_record");
    assertThat(DeadLetterReasons.kind("payload does not parse as tenantlake.domain.jira.v1.Issue: x")).isEqualTo("bad_payload");
    assertThat(DeadLetterReasons.kind("claim check s3://b/k does not exist")).isEqualTo("claim_check");
    assertThat(DeadLetterReasons.kind("something new")).isEqualTo("other");
    assertThat(DeadLetterReasons.kind(null)).isEqualTo("other");
  }

  @Test
  void countsEveryKindZeroWhenNone() {
    DeadLetterReasons reasons = new DeadLetterReasons();
    reasons.count("invalid event: a");
    reasons.count("invalid event: b");
    reasons.count("??");
    assertThat(reasons.byKind()).containsEntry("invalid_event", 2L).containsEntry("other", 1L)
        .containsEntry("bad_payload", 0L).hasSize(DeadLetterReasons.kinds().size());
  }
}
