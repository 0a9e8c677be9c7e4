package io.tenantlake.engine.kinesis;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads one shard with backpressure: at most one GetRecords in flight and one answer buffered, so
 * a slow downstream stops the reading rather than filling memory. Emits one {@link ShardBatch} per
 * non-empty answer and completes when the shard is closed (after a split or merge) and read to its
 * end. Throttling and transient errors back off and retry; an expired iterator is renewed after the
 * last sequence number received, so nothing is skipped or repeated.
 */
public final class KinesisShardSource extends GraphStage<SourceShape<ShardBatch>> {
  private static final Logger log = LoggerFactory.getLogger(KinesisShardSource.class);

  private final Outlet<ShardBatch> out = Outlet.create("KinesisShardSource.out");
  private final SourceShape<ShardBatch> shape = SourceShape.of(out);
  private final KinesisAsyncClient client;
  private final String stream;
  private final String shardId;
  private final String afterSequenceNumber;
  private final KinesisSourceSettings settings;

  /** @param afterSequenceNumber resume after this record; null reads from the shard's oldest record */
  public KinesisShardSource(KinesisAsyncClient client, String stream, String shardId, String afterSequenceNumber,
      KinesisSourceSettings settings) {
    this.client = client;
    this.stream = stream;
    this.shardId = shardId;
    this.afterSequenceNumber = afterSequenceNumber;
    this.settings = settings;
  }

  @Override
  public SourceShape<ShardBatch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private String iterator;
      private String lastSeq = afterSequenceNumber;
      private boolean inFlight;
      private boolean shardEnded;
      private ShardBatch buffered;
      private int failures;
      private AsyncCallback<GetRecordsResponse> onRecords;
      private AsyncCallback<String> onIterator;
      private AsyncCallback<Throwable> onFailure;

      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            tryPush();
          }
        });
      }

      @Override
      public void preStart() {
        onRecords = createAsyncCallback(this::handleRecords);
        onIterator = createAsyncCallback(it -> {
          inFlight = false;
          iterator = it;
          fetch();
        });
        onFailure = createAsyncCallback(this::handleFailure);
        requestIterator();
      }

      private void requestIterator() {
        inFlight = true;
        client.getShardIterator(b -> {
          b.streamName(stream).shardId(shardId);
          if (lastSeq == null) b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
          else b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(lastSeq);
        }).whenComplete((resp, err) -> {
          if (err != null) onFailure.invoke(err);
          else onIterator.invoke(resp.shardIterator());
        });
      }

      private void fetch() {
        if (inFlight || buffered != null || shardEnded) return;
        if (iterator == null) {
          shardEnded = true;
          completeIfDrained();
          return;
        }
        inFlight = true;
        client.getRecords(b -> b.shardIterator(iterator).limit(settings.limit()))
            .whenComplete((resp, err) -> {
              if (err != null) onFailure.invoke(err);
              else onRecords.invoke(resp);
            });
      }

      private void handleRecords(GetRecordsResponse resp) {
        inFlight = false;
        failures = 0;
        iterator = resp.nextShardIterator();
        long behind = resp.millisBehindLatest() == null ? 0 : resp.millisBehindLatest();
        if (!resp.records().isEmpty()) {
          buffered = new ShardBatch(stream, shardId, resp.records(), behind);
          lastSeq = buffered.lastSequenceNumber();
          tryPush();
        } else if (iterator == null) {
          shardEnded = true;
          completeIfDrained();
        } else if (behind > 0) {
          fetch();
        } else {
          scheduleOnce("poll", settings.idlePoll());
        }
      }

      private void tryPush() {
        if (buffered != null && isAvailable(out)) {
          push(out, buffered);
          buffered = null;
          fetch();
        }
      }

      private void completeIfDrained() {
        if (buffered == null) {
          log.info("shard {}/{} is closed and read to its end (last sequence number {})", stream, shardId, lastSeq);
          completeStage();
        }
      }

      private void handleFailure(Throwable err) {
        inFlight = false;
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof ExpiredIteratorException) {
          log.info("shard {}/{}: iterator expired, renewing after {}", stream, shardId, lastSeq);
          iterator = null;
          requestIterator();
          return;
        }
        boolean retryable = e instanceof ProvisionedThroughputExceededException || e instanceof LimitExceededException
            || e instanceof SdkClientException
            || (e instanceof KinesisException k && k.statusCode() >= 500);
        if (!retryable) {
          failStage(new KinesisSourceException("reading shard " + stream + "/" + shardId + " failed: " + e.getMessage(), e));
          return;
        }
        failures++;
        Duration delay = backoff(failures);
        log.warn("shard {}/{}: {} (attempt {}), retrying in {} ms", stream, shardId, e.getClass().getSimpleName(),
            failures, delay.toMillis());
        scheduleOnce("retry", delay);
      }

      @Override
      public void onTimer(Object key) {
        if (iterator == null && !shardEnded && "retry".equals(key)) requestIterator();
        else fetch();
      }
    };
  }

  private Duration backoff(int failures) {
    long min = settings.minBackoff().toMillis();
    long capped = Math.min(settings.maxBackoff().toMillis(), min * (1L << Math.min(failures - 1, 20)));
    // Jitter, so that many shards throttled together do not retry in lockstep.
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
