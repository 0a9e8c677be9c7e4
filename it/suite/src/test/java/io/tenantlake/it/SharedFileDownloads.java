package io.tenantlake.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Downloads a shared file through its pre-signed URL (no credentials: only what the URL carries)
 * and reads it with parquet-hadoop's example Group reader, not the writer's code; the partition
 * values come from the file line, as a Delta Sharing client fills them in.
 */
final class SharedFileDownloads {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SharedFileDownloads() {}

  /** The file's rows as column name to value (strings, longs, booleans; nulls left out). */
  static List<Map<String, Object>> rows(JsonNode file, Path dir) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(file.get("url").asText()))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new AssertionError("pre-signed URL answered " + r.statusCode() + ": " + new String(r.body()));
    }
    if (r.body().length != file.get("size").asLong()) {
      throw new AssertionError("downloaded " + r.body().length + " bytes, the file line says " + file.get("size"));
    }
    Path local = dir.resolve(file.get("id").asText() + ".parquet");
    Files.write(local, r.body());
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(local.toUri())).withConf(new Configuration()).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        Map<String, Object> row = new LinkedHashMap<>();
        GroupType type = g.getType();
        for (int i = 0; i < type.getFieldCount(); i++) {
          if (g.getFieldRepetitionCount(i) == 0 || !type.getType(i).isPrimitive()) continue;
          PrimitiveType.PrimitiveTypeName p = type.getType(i).asPrimitiveType().getPrimitiveTypeName();
          String name = type.getFieldName(i);
          row.put(name, switch (p) {
            case BINARY -> g.getString(i, 0);
            case BOOLEAN -> g.getBoolean(i, 0);
            case INT32 -> (long) g.getInteger(i, 0);
            case INT64 -> g.getLong(i, 0);
            default -> g.getValueToString(i, 0);
          });
        }
        file.get("partitionValues").fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().asText()));
        rows.add(row);
      }
    }
    Files.delete(local);
    return rows;
  }
}
