package dev.beacon.agent.it;

import dev.beacon.testing.Prerequisite;
import dev.beacon.testing.JavaProcess;
import dev.beacon.testing.Jdks;
import dev.beacon.ServiceInstance;
import dev.beacon.registry.FileServiceRegistry;
import dev.beacon.registry.MaintenanceRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard of {@code beacon serve} in a real headless Chromium (Debian's chromium and chromedriver; no browser
 * download): it lists the live instances, updates without a reload when an instance registers (through the agent, or
 * the API: with the age of its last heartbeat) and when one is killed, and shows hostile metadata as inert text. The
 * {@code serve} JVM and the agent app run on every JDK of {@link Jdks#all()}, without a warning. Saves a screenshot
 * (on the test's own JDK) to {@code docs/dashboard.png}.
 */
class DashboardIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path temp;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void dashboard_listsUpdatesLiveAndKeepsMetadataInert(Path java) throws Exception {
        requireBrowser();
        Path dir = temp.resolve("registry");
        String registry = "file:" + dir;
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (FileServiceRegistry files = new FileServiceRegistry(dir);
             JavaProcess serve = JavaProcess.start(java, List.of("-jar",
                     AgentIT.AGENT_JAR.toAbsolutePath().toString(), "serve", "--registry", registry, "--port",
                     Integer.toString(port), "--check-interval", "0"))) {
            files.register(ServiceInstance.builder("payments").id("pay-1").host("10.0.0.7").port(9000)
                    .metadata("zone", "eu-1").metadata("version", "1.0").build(), Duration.ofMinutes(5));
            files.register(ServiceInstance.builder("evil").id("evil-1").host("10.0.0.66").port(6666)
                    .metadata("note", "<img src=x onerror=\"window.__xss=1\">")
                    .metadata("script", "<script>window.__xss=2</script>").build(), Duration.ofMinutes(5));
            serve.awaitOut("serving .* at (http://\\S+)", Duration.ofSeconds(30));

            WebDriver browser = browser();
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
                wait.until(b -> text(b).contains("pay-1") && text(b).contains("evil-1"));
                assertThat(text(browser)).contains("10.0.0.7:9000", "eu-1", "UP", "version=1.0");
                String payRow = browser.findElement(By.cssSelector("tr[data-id='pay-1']")).getText();
                assertThat(payRow).as("age of the last heartbeat").containsPattern("\\d+ s");

                // hostile metadata is shown as text and never runs
                assertThat(text(browser)).contains("note=<img src=x onerror=\"window.__xss=1\">",
                        "script=<script>window.__xss=2</script>");
                assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined"))
                        .isEqualTo(true);
                assertThat(browser.findElements(By.cssSelector("section[data-service='evil'] img"))).isEmpty();

                // an instance put in maintenance shows it, with who and why, without a reload; lifted, it is UP again
                files.startMaintenance("payments", "pay-1",
                        MaintenanceRequest.lasting("kernel upgrade", "alice", Duration.ofMinutes(30)));
                // (the page replaces a service's rows when it changes: a row found just before may be gone)
                WebDriverWait rows = new WebDriverWait(browser, Duration.ofSeconds(15));
                rows.ignoring(StaleElementReferenceException.class);
                rows.until(b -> {
                    String shown = b.findElement(By.cssSelector("tr[data-id='pay-1']")).getText();
                    return shown.contains("MAINTENANCE") && shown.contains("kernel upgrade")
                            && shown.contains("by alice") && shown.contains("since ") && shown.contains("until ");
                });
                files.endMaintenance("payments", "pay-1");
                rows.until(b -> {
                    String shown = b.findElement(By.cssSelector("tr[data-id='pay-1']")).getText();
                    return shown.contains("UP") && !shown.contains("kernel upgrade");
                });

                // an instance registered through the API appears without a reload, with its last heartbeat's age
                HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/services/api/instances/api-1"))
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"host\":\"127.0.0.1\",\"port\":7001,\"ttl\":\"5m\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                wait.until(b -> !b.findElements(By.cssSelector("tr[data-id='api-1']")).isEmpty());
                assertThat(browser.findElement(By.cssSelector("tr[data-id='api-1']")).getText())
                        .as("age of the last heartbeat of an instance registered through the API")
                        .containsPattern("\\d+ s");

                // an app started with the agent appears without a reload...
                try (JavaProcess app = JavaProcess.start(java, List.of("-javaagent:"
                        + AgentIT.AGENT_JAR.toAbsolutePath() + "=service=orders,ttl=2s,registry=" + registry,
                        "-jar", AgentIT.SAMPLE_JAR.toAbsolutePath().toString()))) {
                    int appPort = Integer.parseInt(app.awaitOut("listening on (\\d+)", Duration.ofSeconds(30)));
                    wait.until(b -> text(b).contains(":" + appPort));
                    if (java.equals(Jdks.current())) {
                        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                        Path docs = Path.of(System.getProperty("beacon.docs.dir", "../docs"));
                        Files.createDirectories(docs);
                        Files.copy(shot.toPath(), docs.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
                    }
                    JvmOutput.assertNoWarnings(app);

                    // ...and disappears without a reload once it is killed and its 2 s lease ends
                    app.kill();
                    new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> !text(b).contains(":" + appPort));
                }
                WebElement filter = browser.findElement(By.id("filter"));
                filter.sendKeys("payments");
                wait.until(b -> !text(b).contains("evil-1"));
                assertThat(text(browser)).contains("pay-1");
                JvmOutput.assertNoWarnings(serve);
            } finally {
                browser.quit();
            }
        }
    }

    /** Chromium and its driver, or a failure or skip as {@link Prerequisite} decides. */
    static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        Prerequisite.require(present, "the dashboard tests need Debian's chromium and chromium-driver (apt-get "
                + "install chromium chromium-driver)", "beacon.browser.required");
    }

    static String text(WebDriver browser) {
        return browser.findElement(By.tagName("main")).getText();
    }

    static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
