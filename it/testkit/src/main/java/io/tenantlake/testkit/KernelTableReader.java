package io.tenantlake.testkit;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a table with Delta Kernel: a reader that shares no code with our writer, so what it sees
 * is what any Delta reader sees.
 */
public final class KernelTableReader {
  public record Result(long version, List<String> partitionColumns, List<Map<String, Object>> rows) {}

  private final Engine engine;

  public KernelTableReader(Map<String, String> hadoopProperties) {
    Configuration conf = new Configuration();
    hadoopProperties.forEach(conf::set);
    this.engine = DefaultEngine.create(conf);
  }

  public Result read(String tablePath) throws Exception {
    return read(tablePath, List.of());
  }

  /** Only the named columns (all when empty): big tables read without their payloads. */
  public Result read(String tablePath, List<String> columns) throws Exception {
    return read(Table.forPath(engine, tablePath).getLatestSnapshot(engine), columns);
  }

  /** Time travel: the table as of a version (its files must still be in storage). */
  public Result readAt(String tablePath, long version) throws Exception {
    return read(Table.forPath(engine, tablePath).getSnapshotAsOfVersion(engine, version), List.of());
  }

  private Result read(Snapshot snapshot, List<String> columns) throws Exception {
    var builder = snapshot.getScanBuilder();
    if (!columns.isEmpty()) {
      StructType full = snapshot.getSchema();
      StructType projected = new StructType();
      for (String c : columns) projected = projected.add(full.get(c));
      builder = builder.withReadSchema(projected);
    }
    Scan scan = builder.build();
    var scanState = scan.getScanState(engine);
    StructType physicalSchema = io.delta.kernel.internal.data.ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> scanFileRows = files.next().getRows()) {
          while (scanFileRows.hasNext()) {
            io.delta.kernel.data.Row scanFile = scanFileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<FileReadResult> physical = engine.getParquetHandler()
                .readParquetFiles(io.delta.kernel.internal.util.Utils.singletonCloseableIterator(status),
                    physicalSchema, Optional.empty());
            CloseableIterator<ColumnarBatch> data = physical.map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, scanState, scanFile, data)) {
              while (logical.hasNext()) addRows(logical.next(), rows);
            }
          }
        }
      }
    }
    return new Result(snapshot.getVersion(), snapshot.getPartitionColumnNames(), rows);
  }

  /** The last txn version Kernel sees for an application id, -1 when none. */
  public long txnVersion(String tablePath, String appId) throws Exception {
    Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    return snapshot.getLatestTransactionVersion(engine, appId).orElse(-1L);
  }

  private static void addRows(FilteredColumnarBatch batch, List<Map<String, Object>> into) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selection = batch.getSelectionVector();
    StructType schema = data.getSchema();
    for (int r = 0; r < data.getSize(); r++) {
      if (selection.isPresent() && (selection.get().isNullAt(r) || !selection.get().getBoolean(r))) continue;
      Map<String, Object> row = new HashMap<>();
      for (int c = 0; c < schema.length(); c++) {
        ColumnVector v = data.getColumnVector(c);
        row.put(schema.at(c).getName(), v.isNullAt(r) ? null : value(v, schema.at(c).getDataType(), r));
      }
      into.add(row);
    }
  }

  private static Object value(ColumnVector v, DataType type, int r) {
    if (type instanceof StringType) return v.getString(r);
    if (type instanceof LongType) return v.getLong(r);
    if (type instanceof IntegerType) return v.getInt(r);
    if (type instanceof BooleanType) return v.getBoolean(r);
    if (type instanceof DoubleType) return v.getDouble(r);
    if (type instanceof BinaryType) return v.getBinary(r);
    if (type instanceof TimestampType) {
      long micros = v.getLong(r);
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
    throw new IllegalArgumentException("unexpected type " + type);
  }
}
