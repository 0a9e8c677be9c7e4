package io.tenantlake.engine.delta.impl;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.FileStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/** Writes and reads the Parquet data files of a table: data columns only, partitions live in paths. */
public final class ParquetFiles {
  /** What a finished file is: its size in bytes and the statistics the log records for it. */
  public record Written(Path path, long sizeBytes, FileStats stats) {}

  private static final int PAGE_SIZE = 64 * 1024;
  private final List<Column> dataColumns;
  private final MessageType schema;
  private final Configuration conf;

  public ParquetFiles(List<Column> dataColumns, Configuration conf) {
    this.dataColumns = List.copyOf(dataColumns);
    this.schema = ParquetSchemas.of(dataColumns);
    this.conf = conf;
  }

  /**
   * Writes rows (data-column values) into one or more files under {@code directory}, starting a new
   * file when the current one reaches {@code targetFileBytes} (as the writer estimates it).
   */
  public List<Written> write(Path directory, Iterator<Object[]> rows, long targetFileBytes,
      java.util.function.Supplier<String> fileNames) {
    List<Written> files = new ArrayList<>();
    while (rows.hasNext()) {
      Path path = new Path(directory, fileNames.get());
      StatsCollector stats = new StatsCollector(dataColumns);
      SizedOutputFile out;
      try {
        out = new SizedOutputFile(HadoopOutputFile.fromPath(path, conf));
      } catch (IOException e) {
        throw new UncheckedIOException("creating " + path + ": " + e.getMessage(), e);
      }
      try (ParquetWriter<Object[]> writer = open(out)) {
        while (rows.hasNext()) {
          Object[] values = rows.next();
          writer.write(values);
          stats.add(values);
          // getDataSize walks the buffered pages: ask only now and then.
          if (stats.records() % 1024 == 0 && writer.getDataSize() >= targetFileBytes) break;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
      }
      // The size as written: asking the store again would cost a request per file.
      files.add(new Written(path, out.bytesWritten(), stats.stats()));
    }
    return files;
  }

  private ParquetWriter<Object[]> open(OutputFile out) throws IOException {
    return new Builder(out, new RowWriteSupport(schema, dataColumns))
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .withPageWriteChecksumEnabled(false)
        // Tenant partitions make many small files: 1 MiB pages would allocate a 1 MiB buffer per
        // column per file for a few hundred rows. Small pages also tighten page-level statistics.
        .withPageSize(PAGE_SIZE)
        .withDictionaryPageSize(PAGE_SIZE)
        .build();
  }

  /** Reads every row of a file as data-column values in table order (missing columns read as null). */
  public List<Object[]> read(Path path) {
    List<Object[]> rows = new ArrayList<>();
    // ParquetReader.builder(support, path) would parse Hadoop's XML configuration once per file.
    try (ParquetReader<Group> reader = new GroupReaderBuilder(HadoopInputFile.fromPath(path, conf), conf).build()) {
      Group g;
      while ((g = reader.read()) != null) rows.add(toValues(g));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
    }
    return rows;
  }

  /**
   * Reads only {@code columns} (a subset of the data columns, values in that order) of every row:
   * Parquet skips the other column chunks, so an id scan never touches payload bytes.
   */
  public List<Object[]> readColumns(Path path, List<String> columns) {
    List<Column> wanted = new ArrayList<>();
    for (String name : columns) {
      wanted.add(dataColumns.stream().filter(c -> c.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no data column " + name)));
    }
    ParquetFiles reader = new ParquetFiles(wanted, conf);
    List<Object[]> rows = new ArrayList<>();
    try (ParquetReader<Group> r = new GroupReaderBuilder(HadoopInputFile.fromPath(path, conf), conf,
        ParquetSchemas.of(wanted)).build()) {
      Group g;
      while ((g = r.read()) != null) rows.add(reader.toValues(g));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private Object[] toValues(Group g) {
    Object[] values = new Object[dataColumns.size()];
    org.apache.parquet.schema.GroupType type = g.getType();
    for (int i = 0; i < values.length; i++) {
      Column c = dataColumns.get(i);
      // Files written before a column was added do not have it: it reads as null.
      if (!type.containsField(c.name())) continue;
      int f = type.getFieldIndex(c.name());
      if (g.getFieldRepetitionCount(f) == 0) continue;
      values[i] = switch (c.type()) {
        case STRING -> g.getString(f, 0);
        case LONG -> g.getLong(f, 0);
        case INT -> g.getInteger(f, 0);
        case BOOLEAN -> g.getBoolean(f, 0);
        case DOUBLE -> g.getDouble(f, 0);
        case BINARY -> g.getBinary(f, 0).getBytes();
        case TIMESTAMP -> RowWriteSupport.fromMicros(g.getLong(f, 0));
      };
    }
    return values;
  }

  private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
    private final MessageType projection;

    GroupReaderBuilder(org.apache.parquet.io.InputFile file, Configuration conf) {
      this(file, conf, null);
    }

    /** @param projection the columns to read (the file's other column chunks are skipped), or null for all */
    GroupReaderBuilder(org.apache.parquet.io.InputFile file, Configuration conf, MessageType projection) {
      super(file, new org.apache.parquet.conf.HadoopParquetConfiguration(conf));
      this.projection = projection;
    }

    @Override
    protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
      if (projection == null) return new GroupReadSupport();
      return new GroupReadSupport() {
        @Override
        public ReadContext init(org.apache.parquet.hadoop.api.InitContext context) {
          // Only the wanted columns the file has: an older file may lack a column added since.
          return new ReadContext(getSchemaForRead(context.getFileSchema(), projectionWithin(context.getFileSchema())));
        }
      };
    }

    private MessageType projectionWithin(MessageType fileSchema) {
      List<org.apache.parquet.schema.Type> fields = new ArrayList<>();
      for (org.apache.parquet.schema.Type t : projection.getFields()) {
        if (fileSchema.containsField(t.getName())) fields.add(fileSchema.getType(t.getName()));
      }
      return new MessageType(fileSchema.getName(), fields);
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final WriteSupport<Object[]> support;

    Builder(OutputFile out, WriteSupport<Object[]> support) {
      super(out);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return support;
    }
  }
}
