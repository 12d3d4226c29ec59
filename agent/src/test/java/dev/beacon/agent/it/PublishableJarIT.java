package dev.beacon.agent.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a published beacon-agent carries besides its code, read from the built jar ({@code target/beacon-agent.jar})
 * and from the POM the shade plugin reduced ({@code target/dependency-reduced-pom.xml}, which install and deploy
 * publish): Beacon's own LICENSE and NOTICE, the licence text of every third-party component the jar bundles (taken
 * from that component's own jar where it has one), the NOTICE files of the bundled jars, and no dependency on what
 * is inside the jar.
 *
 * <p>A class under {@code dev/beacon/agent/shaded/} that no entry of {@link #BUNDLED} accounts for fails the test:
 * a new bundled dependency needs its licence in the jar (and its line in NOTICE) first.
 */
class PublishableJarIT {

    private static final Path ROOT = Path.of(System.getProperty("beacon.root.dir", ".."));
    private static final Path REDUCED_POM = Path.of(System.getProperty("beacon.agent.pom",
            "target/dependency-reduced-pom.xml"));
    private static final String SHADED = "dev/beacon/agent/shaded/";
    private static final String LICENSES = "META-INF/licenses/";
    /** The licence and notice files of a jar, as the agent jar's build copies them (the third-party-licences execution). */
    private static final Pattern LICENCE_FILE = Pattern.compile(
            "META-INF/(?:(?:LICENSE|NOTICE)[^/]*|[^/]+-LICENSE|licenses/[^/]+)", Pattern.CASE_INSENSITIVE);

    /** A licence, recognised by phrases of its text (compared with all runs of white space made one space). */
    private enum Licence {
        APACHE_2("Apache License Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"),
        MIT("Permission is hereby granted, free of charge, to any person obtaining a copy",
                "The above copyright notice and this permission notice shall be included in all copies or substantial"
                        + " portions of the Software."),
        BSD_3("Redistribution and use in source and binary forms, with or without modification, are permitted",
                "Neither the name of the copyright holders nor the names of its contributors may be used to endorse");

        private final List<String> phrases;

        Licence(String... phrases) {
            this.phrases = List.of(phrases);
        }

        boolean isTextOf(String text) {
            String flat = flatten(text);
            return phrases.stream().allMatch(flat::contains);
        }
    }

    /**
     * A third-party jar bundled in the agent jar: the packages it has there (under {@link #SHADED}), a class that finds
     * its original jar on the test class path, and its licence.
     */
    private record Bundled(String artifactId, String className, Licence licence, List<String> shadedPackages) {
    }

    /** Code that a bundled jar itself includes under another licence, with that licence's file in the agent jar. */
    private record Included(String name, String shadedPackage, String licenceFile, Licence licence) {
    }

    private static final List<Bundled> BUNDLED = List.of(
            new Bundled("jackson-core", "com.fasterxml.jackson.core.JsonFactory", Licence.APACHE_2,
                    List.of("jackson/core/")),
            new Bundled("jackson-databind", "com.fasterxml.jackson.databind.ObjectMapper", Licence.APACHE_2,
                    List.of("jackson/databind/")),
            new Bundled("jackson-annotations", "com.fasterxml.jackson.annotation.JsonProperty", Licence.APACHE_2,
                    List.of("jackson/annotation/")),
            new Bundled("byte-buddy", "net.bytebuddy.ByteBuddy", Licence.APACHE_2, List.of("bytebuddy/")),
            new Bundled("jedis", "redis.clients.jedis.Jedis", Licence.MIT, List.of("redis/jedis/")),
            new Bundled("redis-authx-core", "redis.clients.authentication.core.TokenAuthConfig", Licence.MIT,
                    List.of("redis/authentication/")),
            new Bundled("commons-pool2", "org.apache.commons.pool2.ObjectPool", Licence.APACHE_2, List.of("pool2/")),
            new Bundled("slf4j-api", "org.slf4j.Logger", Licence.MIT, List.of("slf4j/")),
            new Bundled("picocli", "picocli.CommandLine", Licence.APACHE_2, List.of("picocli/")),
            new Bundled("curator-client", "org.apache.curator.CuratorZookeeperClient", Licence.APACHE_2,
                    List.of("curator/")),
            new Bundled("curator-framework", "org.apache.curator.framework.CuratorFramework", Licence.APACHE_2,
                    List.of("curator/framework/")),
            new Bundled("curator-recipes", "org.apache.curator.framework.recipes.cache.CuratorCache",
                    Licence.APACHE_2, List.of("curator/framework/recipes/")),
            new Bundled("zookeeper", "org.apache.zookeeper.ZooKeeper", Licence.APACHE_2, List.of("zookeeper/")),
            new Bundled("zookeeper-jute", "org.apache.jute.Record", Licence.APACHE_2, List.of("jute/")),
            new Bundled("netty-handler", "io.netty.handler.ssl.SslContext", Licence.APACHE_2, List.of("netty/")),
            // SnakeYAML's jar carries no licence file: agent/src/main/resources/META-INF/licenses/snakeyaml/ has it
            new Bundled("snakeyaml", "org.yaml.snakeyaml.Yaml", Licence.APACHE_2, List.of("snakeyaml/")));

    private static final List<Included> INCLUDED = List.of(
            new Included("ASM (in Byte Buddy)", "bytebuddy/jar/asm/", "byte-buddy/ASM", Licence.BSD_3),
            new Included("FastDoubleParser (in jackson-core)", "jackson/core/internal/shaded/fdp/",
                    "jackson-core/FastDoubleParser-LICENSE", Licence.MIT),
            new Included("Schubfach (in jackson-core)", "jackson/core/io/schubfach/", "jackson-core/Schubfach-LICENSE",
                    Licence.MIT));

    /** Path → content of every file of the agent jar. */
    private static Map<String, byte[]> jar;

    @BeforeAll
    static void readJar() throws IOException {
        jar = read(AgentIT.AGENT_JAR);
    }

    @Test
    void jar_licenseAndNotice_areBeaconsOwn() throws IOException {
        byte[] license = Files.readAllBytes(ROOT.resolve("LICENSE"));
        assertThat(Licence.APACHE_2.isTextOf(new String(license, StandardCharsets.UTF_8)))
                .as("the repository's LICENSE is the Apache License 2.0").isTrue();
        assertThat(jar.get("META-INF/LICENSE")).as("META-INF/LICENSE of the jar is the repository's LICENSE")
                .isEqualTo(license);

        String notice = Files.readString(ROOT.resolve("NOTICE"));
        String jarNotice = text("META-INF/NOTICE");
        assertThat(withoutCommentsAndLeadingBlankLines(jarNotice))
                .as("META-INF/NOTICE of the jar opens with the repository's NOTICE").startsWith(notice);
        for (Bundled bundled : BUNDLED) {
            assertThat(notice).as("NOTICE names the bundled " + bundled.artifactId())
                    .containsPattern("(?<![\\w-])" + Pattern.quote(bundled.artifactId()) + "(?![\\w-])");
        }

        // Beacon's are the only licence and notice files outside META-INF/licenses/: no bundled jar's copy
        // (META-INF/LICENSE.txt of SLF4J or Commons Pool, Schubfach-LICENSE, ...) lands next to them.
        List<String> stray = jar.keySet().stream()
                .filter(name -> name.toUpperCase(Locale.ROOT).contains("LICENSE")
                        || name.toUpperCase(Locale.ROOT).contains("NOTICE"))
                .filter(name -> !name.startsWith(LICENSES) && !name.endsWith(".class"))
                .filter(name -> !name.equals("META-INF/LICENSE") && !name.equals("META-INF/NOTICE"))
                .toList();
        assertThat(stray).as("licence or notice files outside " + LICENSES).isEmpty();
    }

    @Test
    void jar_everyBundledComponent_hasItsLicenceText() throws IOException, URISyntaxException {
        Set<String> unaccounted = new TreeSet<>();
        for (String name : jar.keySet()) {
            if (name.startsWith(SHADED) && name.endsWith(".class") && !name.startsWith(SHADED + "beacon/")
                    && BUNDLED.stream().noneMatch(b -> b.shadedPackages().stream().anyMatch(
                            p -> name.startsWith(SHADED + p)))) {
                unaccounted.add(name.substring(0, name.lastIndexOf('/') + 1));
            }
        }
        assertThat(unaccounted).as("bundled packages of no component this test knows: add the component to "
                + "BUNDLED, its licence to the jar (agent/pom.xml) and its line to NOTICE").isEmpty();

        Map<String, String> failures = new LinkedHashMap<>();
        for (Bundled bundled : BUNDLED) {
            String folder = LICENSES + bundled.artifactId() + "/";
            if (!hasClassesUnder(bundled.shadedPackages())) {
                failures.put(bundled.artifactId(), "listed in BUNDLED, but the jar has no class of it");
                continue;
            }
            Map<String, byte[]> own = licenceFiles(originalJar(bundled));
            for (Map.Entry<String, byte[]> file : own.entrySet()) {
                String copy = folder + file.getKey().substring(file.getKey().lastIndexOf('/') + 1);
                if (!Arrays.equals(jar.get(copy), file.getValue())) {
                    failures.put(bundled.artifactId() + " " + file.getKey(),
                            jar.containsKey(copy) ? "differs from " + copy : "missing at " + copy);
                }
            }
            Map<String, byte[]> inJar = filesUnder(folder);
            boolean licensed = inJar.values().stream()
                    .anyMatch(content -> bundled.licence().isTextOf(new String(content, StandardCharsets.UTF_8)));
            if (!licensed) {
                failures.put(bundled.artifactId(), "no " + bundled.licence() + " text under " + folder
                        + " (has " + inJar.keySet() + "; its jar has " + own.keySet() + ")");
            }
        }
        for (Included included : INCLUDED) {
            if (!hasClassesUnder(List.of(included.shadedPackage()))) {
                failures.put(included.name(), "listed in INCLUDED, but the jar has no class of it");
                continue;
            }
            byte[] file = jar.get(LICENSES + included.licenceFile());
            if (file == null || !included.licence().isTextOf(new String(file, StandardCharsets.UTF_8))) {
                failures.put(included.name(), "no " + included.licence() + " text at " + LICENSES
                        + included.licenceFile());
            }
        }
        assertThat(failures).as("licence texts of the bundled components").isEmpty();
    }

    @Test
    void jar_notice_carriesTheNoticesOfTheBundledJars() throws IOException, URISyntaxException {
        Set<String> jarNotice = paragraphs(text("META-INF/NOTICE"));
        Map<String, List<String>> missing = new TreeMap<>();
        int notices = 0;
        for (Bundled bundled : BUNDLED) {
            for (Map.Entry<String, byte[]> file : licenceFiles(originalJar(bundled)).entrySet()) {
                if (!file.getKey().matches("(?i)META-INF/NOTICE(?:\\.txt|\\.md)?")) {
                    continue;
                }
                notices++;
                for (String paragraph : paragraphs(new String(file.getValue(), StandardCharsets.UTF_8))) {
                    if (!jarNotice.contains(paragraph)) {
                        missing.computeIfAbsent(bundled.artifactId() + " " + file.getKey(), k -> new ArrayList<>())
                                .add(paragraph);
                    }
                }
            }
        }
        // Jackson's three jars, Byte Buddy and Commons Pool have one today; a test that found none would prove nothing
        assertThat(notices).as("NOTICE files among the bundled jars").isGreaterThanOrEqualTo(5);
        assertThat(missing).as("paragraphs of the bundled jars' NOTICE files missing from the jar's META-INF/NOTICE")
                .isEmpty();
    }

    @Test
    void reducedPom_declaresNoBundledDependency() throws Exception {
        assertThat(REDUCED_POM).as("the shade plugin's dependency-reduced POM").isRegularFile();
        Document pom = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().parse(REDUCED_POM.toFile());
        Element project = pom.getDocumentElement();
        assertThat(child(project, "artifactId").map(Node::getTextContent)).hasValue("beacon-agent");
        Element parent = child(project, "parent").orElseThrow(() -> new AssertionError("no <parent> in " + REDUCED_POM));
        // the licences, SCM and URL a published artifact must declare come from the parent
        assertThat(child(parent, "artifactId").map(Node::getTextContent)).hasValue("beacon-parent");

        List<String> declared = new ArrayList<>();
        child(project, "dependencies").ifPresent(dependencies -> {
            for (Node node = dependencies.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element dependency && dependency.getLocalName().equals("dependency")) {
                    String scope = child(dependency, "scope").map(Node::getTextContent).orElse("compile").trim();
                    if (scope.equals("compile") || scope.equals("runtime")) {
                        declared.add(child(dependency, "groupId").map(Node::getTextContent).orElse("?") + ":"
                                + child(dependency, "artifactId").map(Node::getTextContent).orElse("?") + " ("
                                + scope + ")");
                    }
                }
            }
        });
        // everything the agent needs at run time is inside its jar: a consumer must not resolve any of it again
        assertThat(declared).as("compile or runtime dependencies the published POM (" + REDUCED_POM + ") declares")
                .isEmpty();
    }

    private static boolean hasClassesUnder(List<String> packages) {
        return jar.keySet().stream().anyMatch(name -> name.endsWith(".class")
                && packages.stream().anyMatch(p -> name.startsWith(SHADED + p)));
    }

    private static Map<String, byte[]> filesUnder(String folder) {
        Map<String, byte[]> files = new TreeMap<>();
        jar.forEach((name, content) -> {
            if (name.startsWith(folder) && !name.endsWith("/")) {
                files.put(name, content);
            }
        });
        return files;
    }

    private static Path originalJar(Bundled bundled) throws URISyntaxException {
        try {
            Class<?> type = Class.forName(bundled.className(), false, PublishableJarIT.class.getClassLoader());
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(bundled.className() + " (of " + bundled.artifactId()
                    + ") is not on the test class path; update BUNDLED", e);
        }
    }

    /** The licence and notice files of a jar, by path. */
    private static Map<String, byte[]> licenceFiles(Path jarFile) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        read(jarFile).forEach((name, content) -> {
            if (LICENCE_FILE.matcher(name).matches()) {
                files.put(name, content);
            }
        });
        return files;
    }

    private static Map<String, byte[]> read(Path jarFile) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (JarFile file = new JarFile(jarFile.toFile())) {
            file.stream().filter(entry -> !entry.isDirectory()).forEach(entry -> files.put(entry.getName(),
                    bytes(file, entry)));
        }
        return files;
    }

    private static byte[] bytes(JarFile file, ZipEntry entry) {
        try (var in = file.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.getName() + " of " + file.getName(), e);
        }
    }

    private static String text(String name) {
        byte[] content = jar.get(name);
        assertThat(content).as(name + " in " + AgentIT.AGENT_JAR).isNotNull();
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The blank-line separated paragraphs of a NOTICE file, each with its lines trimmed; "//" lines left out. */
    private static Set<String> paragraphs(String notice) {
        Set<String> paragraphs = new LinkedHashSet<>();
        StringBuilder paragraph = new StringBuilder();
        for (String line : (notice + "\n\n").lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("//")) {
                continue;
            }
            if (trimmed.isEmpty()) {
                if (paragraph.length() > 0) {
                    paragraphs.add(paragraph.toString());
                    paragraph.setLength(0);
                }
            } else {
                paragraph.append(trimmed).append('\n');
            }
        }
        return paragraphs;
    }

    private static String withoutCommentsAndLeadingBlankLines(String notice) {
        String text = notice.lines().filter(line -> !line.strip().startsWith("//"))
                .reduce(new StringBuilder(), (sb, line) -> sb.append(line).append('\n'), StringBuilder::append)
                .toString();
        return text.stripLeading();
    }

    private static String flatten(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName())) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }
}
