package dev.beacon.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * beacon-core as a user meets it: a throwaway Maven project that depends on {@code dev.beacon:beacon-core} alone.
 * Its {@code mvn dependency:tree} and class path show no Jedis, commons-pool2, Gson, org.json, Redis registry or
 * server classes, and {@code Registries.open("redis://…")} there fails with one message naming beacon-redis.
 *
 * <p>The jar and poms this build just made are put into a fresh local repository of the test's own; everything else
 * (Jackson, SLF4J, the dependency plugin) comes from the build's own local repository, used as a {@code file:} remote,
 * so the test needs no network.
 */
class CoreAloneIT {

    private static final List<String> FORBIDDEN_ARTIFACTS = List.of("redis.clients:jedis",
            "org.apache.commons:commons-pool2", "com.google.code.gson:gson", "org.json:json", "dev.beacon:beacon-redis",
            "dev.beacon:beacon-server");
    private static final List<String> FORBIDDEN_CLASSES = List.of("redis/clients/", "org/apache/commons/pool2/",
            "com/google/gson/", "org/json/", "dev/beacon/registry/redis/", "dev/beacon/server/");

    @TempDir
    static Path work;

    static Path repo;
    static Path project;
    static String version;

    @BeforeAll
    static void userProject() throws IOException {
        version = property("beacon.version");
        Path coreJar = Path.of(property("beacon.core.jar"));
        Path corePom = Path.of(property("beacon.core.pom"));
        Path parentPom = Path.of(property("beacon.parent.pom"));
        repo = work.resolve("repo");
        put(parentPom, "beacon-parent", "pom");
        put(corePom, "beacon-core", "pom");
        put(coreJar, "beacon-core", "jar");

        project = work.resolve("user-app");
        Files.createDirectories(project.resolve("src/main/java/app"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>user-app</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>dev.beacon</groupId>
                      <artifactId>beacon-core</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(version));
        Files.writeString(work.resolve("settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>build-local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(Path.of(property("beacon.build.repo")).toUri()));
    }

    @Test
    void dependencyTree_coreAlone_hasNoRedisNoServerNoJedisDependencies() throws Exception {
        String tree = maven("org.apache.maven.plugins:maven-dependency-plugin:" + property("beacon.dependency.plugin")
                + ":tree");

        assertThat(tree).contains("dev.beacon:beacon-core:jar:" + version, "org.slf4j:slf4j-api",
                "com.fasterxml.jackson.core:jackson-core");
        for (String artifact : FORBIDDEN_ARTIFACTS) {
            assertThat(tree).as("dependency:tree of a project on beacon-core alone").doesNotContain(artifact);
        }
    }

    @Test
    void classPath_coreAlone_hasNoRedisOrServerClasses_andRedisUriNamesTheModule() throws Exception {
        Path classPathFile = work.resolve("classpath.txt");
        maven("org.apache.maven.plugins:maven-dependency-plugin:" + property("beacon.dependency.plugin")
                + ":build-classpath", "-Dmdep.outputFile=" + classPathFile);
        String classPath = Files.readString(classPathFile).trim();
        List<String> found = new ArrayList<>();
        for (String jar : classPath.split(java.io.File.pathSeparator)) {
            try (ZipFile zip = new ZipFile(jar)) {
                zip.stream().map(ZipEntry::getName)
                        .filter(name -> FORBIDDEN_CLASSES.stream().anyMatch(name::startsWith))
                        .limit(3).forEach(name -> found.add(jar + "!" + name));
            }
        }
        assertThat(found).as("classes of Jedis, its dependencies, the Redis registry or the server").isEmpty();
        assertThat(classPath).contains("beacon-core-" + version + ".jar");

        Path source = project.resolve("src/main/java/app/Main.java");
        Files.writeString(source, """
                package app;
                public class Main {
                    public static void main(String[] args) {
                        System.out.println(dev.beacon.registry.Registries.schemes());
                        try {
                            dev.beacon.registry.Registries.open("redis://127.0.0.1:6379");
                        } catch (IllegalArgumentException e) {
                            System.out.println(e.getMessage());
                        }
                    }
                }
                """);
        Path classes = work.resolve("classes");
        run(List.of(jdkTool("javac"), "-d", classes.toString(), "-cp", classPath, source.toString()));
        String out = run(List.of(jdkTool("java"), "-cp", classes + java.io.File.pathSeparator + classPath,
                "app.Main"));

        assertThat(out).contains("[file:, memory:]", "registry 'redis://127.0.0.1:6379' needs the module "
                + "dev.beacon:beacon-redis on the class path");
    }

    private static String maven(String goal, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(mavenCommand(), "-B", "-s",
                work.resolve("settings.xml").toString(), "-Dmaven.repo.local=" + repo, "-f",
                project.resolve("pom.xml").toString(), goal));
        command.addAll(List.of(extra));
        return run(command);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (var in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError("failed: " + String.join(" ", command) + "\n" + out);
        }
        return out;
    }

    /** Lays {@code file} out as {@code dev.beacon:artifact:version:type} in the test's local repository. */
    private static void put(Path file, String artifact, String type) throws IOException {
        Path dir = repo.resolve("dev/beacon/" + artifact + "/" + version);
        Files.createDirectories(dir);
        Files.copy(file, dir.resolve(artifact + "-" + version + "." + type), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String mavenCommand() {
        String home = System.getProperty("maven.home", "");
        Path mvn = Path.of(home, "bin", "mvn");
        return !home.isEmpty() && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
    }

    private static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; run this test through Maven "
                    + "(core/pom.xml's failsafe configuration sets it)");
        }
        return value;
    }

}
