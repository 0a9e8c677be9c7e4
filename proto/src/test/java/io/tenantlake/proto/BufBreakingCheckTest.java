package io.tenantlake.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the schema gate bites: runs the real proto/buf-check.sh (the real buf from npm) on a
 * copy of this module's protos, changed in ways that would break stored events or producers.
 */
class BufBreakingCheckTest {

  private static Path repoRoot;
  private static Path protoModule;

  @TempDir Path work;

  @BeforeAll
  static void locate() {
    // Surefire runs in the module directory; the repo root is where package.json is.
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("package.json"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a package.json above " + Path.of("").toAbsolutePath()).isNotNull();
    repoRoot = dir;
    protoModule = repoRoot.resolve("proto");
    assertThat(repoRoot.resolve("node_modules/.bin/buf"))
        .as("buf from npm (bin/npm-ensure installs it)")
        .isExecutable();
  }

  @Test
  void unchangedSchemaPasses() throws Exception {
    Result result = check(copyModule());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("lint OK").contains("breaking OK");
  }

  @Test
  void changedFieldTypeFails() throws Exception {
    Path copy = copyModule();
    edit(copy, "tenantlake/v1/change_event.proto", "int64 version = 6;", "string version = 6;");
    Result result = check(copy);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("Field \"6\" with name \"version\" on message \"ChangeEvent\" changed type")
        .contains("FAILED buf breaking");
  }

  @Test
  void renumberedFieldFails() throws Exception {
    Path copy = copyModule();
    edit(copy, "tenantlake/domain/jira/v1/issue.proto", "string summary = 3;", "string summary = 11;");
    Result result = check(copy);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("Previously present field \"3\" with name \"summary\" on message \"Issue\" was deleted");
  }

  @Test
  void reusedFieldNumberFails() throws Exception {
    Path copy = copyModule();
    // Number 2 (email) given to another field: old bytes would be read as the new field.
    edit(copy, "tenantlake/domain/identity/v1/user.proto", "string email = 2;", "string phone = 2;");
    Result result = check(copy);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("Field \"2\" on message \"User\" changed name from \"email\" to \"phone\"");
  }

  @Test
  void addingAFieldIsCompatible() throws Exception {
    Path copy = copyModule();
    edit(copy, "tenantlake/domain/jira/v1/project.proto", "string lead_id = 3;",
        "string lead_id = 3;\n  string description = 4;");
    Result result = check(copy);
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void lintFailureFails() throws Exception {
    Path copy = copyModule();
    edit(copy, "tenantlake/domain/identity/v1/user.proto", "bool active = 3;", "bool isActive = 3;");
    Result result = check(copy);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("isActive").contains("FAILED buf lint");
  }

  /** buf.yaml, src/main/proto and released/ copied to a temp dir: the layout buf-check.sh expects. */
  private Path copyModule() throws IOException {
    Path copy = work.resolve("proto");
    Files.createDirectories(copy);
    Files.copy(protoModule.resolve("buf.yaml"), copy.resolve("buf.yaml"));
    copyTree(protoModule.resolve("src/main/proto"), copy.resolve("src/main/proto"));
    copyTree(protoModule.resolve("released"), copy.resolve("released"));
    return copy;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  private static void edit(Path copy, String protoFile, String from, String to) throws IOException {
    Path file = copy.resolve("src/main/proto").resolve(protoFile);
    String text = Files.readString(file);
    assertThat(text).as(protoFile).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  private record Result(int exitCode, String output) {}

  private static Result check(Path protoDir) throws Exception {
    Process process =
        new ProcessBuilder(List.of("bash", protoModule.resolve("buf-check.sh").toString(), protoDir.toString()))
            .directory(protoDir.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("buf-check finished").isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
