package io.tenantlake.engine.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tenantlake.engine.delta.DeltaStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bootstrap jobs kept as one JSON file each beside the region's tables, so a job outlives the node
 * that started it: after a crash the next ingest node finds the running jobs here and resumes them
 * from the checkpoint table. A file changes only when its job is submitted or finishes.
 */
public final class BootstrapJobStore {
  private static final Logger log = LoggerFactory.getLogger(BootstrapJobStore.class);
  private static final String DIR = "_jobs/bootstrap";
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final DeltaStorage storage;

  public BootstrapJobStore(DeltaStorage storage) {
    this.storage = storage;
  }

  public void save(BootstrapJob job) {
    try {
      storage.writeStateFile(DIR + "/" + job.id() + ".json", JSON.writeValueAsBytes(job));
    } catch (IOException e) {
      throw new UncheckedIOException("bootstrap job " + job.id() + ": cannot encode: " + e.getMessage(), e);
    }
  }

  public Optional<BootstrapJob> load(String id) {
    String file = id + ".json";
    if (!storage.listStateFiles(DIR).contains(file)) return Optional.empty();
    return Optional.ofNullable(read(file));
  }

  /** Every stored job; an unreadable file is logged and left out (it must not stop the others). */
  public List<BootstrapJob> all() {
    List<BootstrapJob> jobs = new ArrayList<>();
    for (String file : storage.listStateFiles(DIR)) {
      if (!file.endsWith(".json")) continue;
      BootstrapJob job = read(file);
      if (job != null) jobs.add(job);
    }
    return jobs;
  }

  private BootstrapJob read(String file) {
    try {
      return JSON.readValue(storage.readStateFile(DIR + "/" + file), BootstrapJob.class);
    } catch (IOException | UncheckedIOException e) {
      log.error("bootstrap job file {}/{} is unreadable and is skipped: {}", DIR, file, e.getMessage());
      return null;
    }
  }
}
