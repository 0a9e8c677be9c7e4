package io.tenantlake.engine.ingest;

import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The throttled lanes that feed the raw pipeline beside the live one (bootstrap, import). The
 * pipeline asks for their records each time it (re)starts, after telling them the committed
 * points to resume from, and reports every commit so they can tell when their work is done.
 */
public interface Backfill {
  void resumeFrom(Map<String, Positions.Position> checkpoint);

  Source<SourceRecord, NotUsed> source();

  void committed(CycleResult cycle);

  static Backfill none() {
    return new Backfill() {
      @Override
      public void resumeFrom(Map<String, Positions.Position> checkpoint) {}

      @Override
      public Source<SourceRecord, NotUsed> source() {
        return Source.empty();
      }

      @Override
      public void committed(CycleResult cycle) {}
    };
  }
}
