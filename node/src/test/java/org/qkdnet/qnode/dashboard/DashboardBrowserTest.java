package org.qkdnet.qnode.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.Main;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.sae.Etsi014Client;
import picocli.CommandLine;

/**
 * Issue 8 item 4 in a real browser: the system's headless Chromium (Debian {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them) opens the dashboard of the local ring
 * (one JVM) with the operator's certificate, shows every station, animates a relay and greys a
 * link within 5 s of {@code qnode admin link-down}.
 *
 * <p>Mutual TLS in Chromium on Linux: client certificates and trusted CAs come from the NSS
 * database at {@code $HOME/.pki/nssdb}, so chromedriver (and the browser it starts) gets a
 * temporary HOME holding one with the network's CA and the operator's certificate and key. The
 * browser would still ask which certificate to send; only the {@code AutoSelectCertificateForUrls}
 * policy (a managed policy file in {@code /etc/chromium/policies/managed}) answers that without a
 * person, headless included: the same setting in the profile's preferences is ignored, since
 * Chromium takes it from its policy provider only. The test writes that file for this one origin
 * and removes it after; where it cannot (not root), it is skipped saying so.
 *
 * <p>{@code -Ddashboard.screenshot=/abs/path/dashboard.png} saves a screenshot of the map (a link
 * down, a relay in flight and the link's figures in the side panel): the README's picture.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CERTUTIL = Path.of("/usr/bin/certutil");
  private static final Path PK12UTIL = Path.of("/usr/bin/pk12util");
  private static final Path POLICY_DIR = Path.of("/etc/chromium/policies/managed");
  /** What Chromium draws a link that is not up with (dashboard.js GREY). */
  private static final String GREY = "#9e9e9e";
  private static final char[] P12_PASSWORD = "qnode-browser-test".toCharArray();

  private LocalNetwork net;
  private WebDriver driver;
  private Path policy;
  private String url;
  private final List<String> deliveredKeys = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    for (Path tool : List.of(CHROMIUM, CHROMEDRIVER, CERTUTIL, PK12UTIL)) {
      assumeTrue(Files.isExecutable(tool), tool + " is missing: the browser test needs Debian's chromium,"
          + " chromium-driver and libnss3-tools (apt-get install -y chromium chromium-driver libnss3-tools;"
          + " .ci/run installs them)");
    }
    try {
      Files.createDirectories(POLICY_DIR);
      assumeTrue(Files.isWritable(POLICY_DIR), POLICY_DIR + " is not writable");
    } catch (IOException e) {
      assumeTrue(false, "cannot create " + POLICY_DIR + " (" + e + "): Chromium picks a client certificate"
          + " without a person only by its AutoSelectCertificateForUrls policy; run as root (CI does)");
    }

    Config cfg = TestRings.finishedKeyLocal();
    net = LocalNetwork.start(cfg, dir.resolve("ring"), id -> { });
    TestRings.awaitRoutable(net);
    url = net.dashboardUrl("ALP").orElseThrow();

    Path home = dir.resolve("home");
    Path nssdb = home.resolve(".pki").resolve("nssdb");
    Files.createDirectories(nssdb);
    String db = "sql:" + nssdb;
    run(CERTUTIL.toString(), "-N", "--empty-password", "-d", db);
    run(CERTUTIL.toString(), "-A", "-n", "qnode-ca", "-t", "C,,", "-i", net.pkiDir().resolve("ca.crt").toString(),
        "-d", db);
    Path p12 = operatorPkcs12(dir.resolve("admin.p12"));
    run(PK12UTIL.toString(), "-i", p12.toString(), "-W", new String(P12_PASSWORD), "-d", db);

    // the operator's certificate, for this station's dashboard only (issuer: the development CA)
    String origin = url.substring(0, url.length() - 1);
    String rule = "{\"pattern\":\"" + origin + "\",\"filter\":{\"ISSUER\":{\"CN\":\"qnode development CA\"},"
        + "\"SUBJECT\":{\"CN\":\"admin\",\"OU\":\"operator\"}}}";
    policy = POLICY_DIR.resolve("qnode-dashboard-test-" + ProcessHandle.current().pid() + ".json");
    Files.writeString(policy, "{\"AutoSelectCertificateForUrls\": [\"" + rule.replace("\"", "\\\"") + "\"]}\n",
        StandardCharsets.UTF_8);

    // the driver path given: Selenium Manager is never asked to download one
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withEnvironment(Map.of("HOME", home.toString()))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,860", "--user-data-dir=" + dir.resolve("profile"));
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (policy != null) {
      Files.deleteIfExists(policy);
    }
    if (net != null) {
      net.close();
    }
  }

  /** The operator's certificate and key as PKCS#12 (what pk12util imports), with the CA in its chain. */
  private Path operatorPkcs12(Path file) throws Exception {
    Identity op = Pem.readIdentity(net.operatorCert("admin"), net.operatorKey("admin"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("admin", op.privateKey(), P12_PASSWORD,
        new Certificate[] {op.certificate(), Pem.readCertificate(net.pkiDir().resolve("ca.crt"))});
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, P12_PASSWORD);
    }
    return file;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    }
  }

  private int admin(String... command) {
    List<String> args = new ArrayList<>(List.of("admin", "--target", net.adminTarget("ALP"), "--tls-dir",
        net.pkiDir().toString()));
    args.addAll(List.of(command));
    CommandLine cl = Main.commandLine();
    StringWriter sink = new StringWriter();
    cl.setOut(new PrintWriter(sink, true));
    cl.setErr(new PrintWriter(sink, true));
    return cl.execute(args.toArray(String[]::new));
  }

  /** One key ALP-APP1 -> CHA-APP1: a relay from ALP, the dashboard's station. */
  private void relayOneKey() throws Exception {
    net.awaitRoutes("ALP", "CHA", "ALP-APP1", "CHA-APP1", Duration.ofSeconds(60));
    Etsi014Client app = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    for (Etsi014Client.Key k : app.encKeys("CHA-APP1", 1, 256)) {
      byte[] bytes = k.key().copyBytes();
      deliveredKeys.add(Base64.getEncoder().encodeToString(bytes));
      deliveredKeys.add(HexFormat.of().formatHex(bytes));
      k.key().zeroize();
    }
  }

  private WebElement link(String id) {
    return driver.findElement(By.id("link-" + id));
  }

  @Test
  void map_showsEveryStation_animatesRelays_linkDownGreysItWithin5s_linkUpRestoresIt() throws Exception {
    driver.get(url);
    // the page redraws an element when its figures change: a wait that caught the old one looks again
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    wait.until(d -> d.findElements(By.cssSelector("g.station")).size() == net.topology().stations().size());
    for (var s : net.topology().stations()) {
      assertThat(driver.findElement(By.id("station-" + s.id())).getDomAttribute("data-condition")).isNotEmpty();
    }
    wait.until(d -> d.findElements(By.cssSelector("g.station[data-condition='UP']")).size() == 4);
    // every link up (each end's report has reached ALP): the others must stay coloured below
    for (String l : List.of("ALP-BRA", "BRA-CHA", "CHA-DEL", "DEL-ALP")) {
      wait.until(d -> "UP".equals(link(l).getDomAttribute("data-state")));
    }
    assertThat(link("ALP-BRA").getDomAttribute("stroke")).isNotEqualTo(GREY);
    assertThat(driver.findElement(By.id("title")).getText()).contains("local").contains("ALP");

    // a relay from ALP reaches the page as an event (the page counts and animates it)
    relayOneKey();
    wait.until(d -> d.findElement(By.id("relays")).getText().contains("1 delivered"));

    // link-down through the admin API: the link greys within 5 s of the command
    CompletableFuture<Integer> down = CompletableFuture.supplyAsync(() -> admin("link-down", "ALP", "BRA"));
    long t0 = System.nanoTime();
    try {
      new WebDriverWait(driver, Duration.ofSeconds(5), Duration.ofMillis(50))
          .ignoring(StaleElementReferenceException.class).until(d -> {
        WebElement l = link("ALP-BRA");
        return !"UP".equals(l.getDomAttribute("data-state")) && GREY.equals(l.getDomAttribute("stroke"));
      });
      long greyAfterMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(down.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(link("ALP-BRA").getDomAttribute("data-state")).isEqualTo("ADMIN_DOWN");
      assertThat(greyAfterMillis).isLessThan(5_000);
      // the other links stay coloured by their pools
      assertThat(link("DEL-ALP").getDomAttribute("stroke")).isNotEqualTo(GREY);

      // its figures in the side panel
      driver.findElement(By.cssSelector("polygon.hit[data-link='ALP-BRA']")).click();
      wait.until(d -> "ALP-BRA".equals(d.findElement(By.id("details")).getDomAttribute("data-link")));
      String details = driver.findElement(By.id("details")).getText();
      assertThat(details).contains("ADMIN_DOWN").contains("25 km").contains("pool ALP→BRA").contains("pool BRA→ALP");

      // a relay the long way round, caught in flight for the screenshot
      relayOneKey();
      wait.until(d -> d.findElement(By.id("relays")).getText().contains("2 delivered"));
      screenshot();
      // each dot reaches the end of its path and goes (about 0.35 s a hop)
      wait.withTimeout(Duration.ofSeconds(5)).until(d -> d.findElements(By.cssSelector("circle.relay-dot")).isEmpty());
    } finally {
      assertThat(admin("link-up", "ALP", "BRA")).isZero();
    }
    wait.until(d -> "UP".equals(link("ALP-BRA").getDomAttribute("data-state")));

    // figures only: no key the SAEs got appears in what the page received
    String source = driver.getPageSource();
    for (String k : deliveredKeys) {
      assertThat(source).doesNotContain(k);
    }
  }

  private void screenshot() throws IOException {
    String to = System.getProperty("dashboard.screenshot", "");
    if (to.isBlank()) {
      return;
    }
    // catch the relay's dot on its way (it starts at ALP, top left); a picture without it will do
    try {
      new WebDriverWait(driver, Duration.ofSeconds(1), Duration.ofMillis(20)).until(d ->
          d.findElements(By.cssSelector("circle.relay-dot")).stream()
              .anyMatch(c -> Double.parseDouble(c.getDomAttribute("cy")) > 200));
    } catch (org.openqa.selenium.TimeoutException e) {
      // the dot went by unseen
    }
    Path file = Path.of(to).toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }
}
