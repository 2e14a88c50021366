package org.qkdnet.qnode.station;

import org.qkdnet.qnode.admin.AdminGrpcServer;
import org.qkdnet.qnode.admin.AdminView;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.dashboard.DashboardJson;
import org.qkdnet.qnode.dashboard.DashboardServer;
import org.qkdnet.qnode.events.EventHub;
import org.qkdnet.qnode.events.NetworkWatch;
import org.qkdnet.qnode.cluster.ClusterMembers;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.qkdnet.qnode.config.DeviceSettings;
import org.qkdnet.qnode.config.Endpoint;
import org.qkdnet.qnode.config.LinkSpec;
import org.qkdnet.qnode.config.QnodeSettings;
import org.qkdnet.qnode.config.RelaySettings;
import org.qkdnet.qnode.config.Role;
import org.qkdnet.qnode.config.SaeSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.device.FramePacer;
import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.device.sim.FinishedKeySimulator;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.kme.FairShare;
import org.qkdnet.qnode.kme.Kme;
import org.qkdnet.qnode.kme.SaeThrottle;
import org.qkdnet.qnode.config.EtsiSettings;
import org.qkdnet.qnode.kme.KmeLimits;
import org.qkdnet.qnode.kme.SaeEntry;
import org.qkdnet.qnode.kme.etsi014.Etsi014Recorder;
import org.qkdnet.qnode.kme.etsi014.Etsi014Server;
import org.qkdnet.qnode.metrics.ClusterMetrics;
import org.qkdnet.qnode.metrics.LinkView;
import org.qkdnet.qnode.metrics.StationMetrics;
import org.qkdnet.qnode.cluster.ClusterLinkStates;
import org.qkdnet.qnode.cluster.ClusterMembership;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.link.LinkLiveness;
import org.qkdnet.qnode.link.bb84.Bb84Device;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.link.bb84.LinkStats;
import org.qkdnet.qnode.relay.RelayEngine;
import org.qkdnet.qnode.relay.RelayRecorder;
import org.qkdnet.qnode.relay.PadSupply;
import org.qkdnet.qnode.relay.RelayRoutes;
import org.qkdnet.qnode.relay.RelaySettingsView;
import org.qkdnet.qnode.linkservice.LinkGrpcServer;
import org.qkdnet.qnode.linkservice.LinkTls;
import org.qkdnet.qnode.linkservice.NeighbourClients;
import org.qkdnet.qnode.routing.RouteDecision;
import org.qkdnet.qnode.routing.RoutingPolicy;
import org.qkdnet.qnode.routing.Suspicion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.qkdnet.qnode.logging.StationMdc;

/**
 * One running station: key store, QKD links, relay engine, LinkService (gRPC), ETSI 014 (HTTPS)
 * and a Pekko Cluster member. {@link #close()} shuts it down in the reverse order of start.
 */
public final class Station implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Station.class);
  private static final int MIN_FRAME_BYTES = 64;
  /** How often the origin logs where its relays went (per destination and route). */
  private static final Duration RELAY_LOG_INTERVAL = Duration.ofSeconds(10);

  private final QnodeSettings settings;
  private final StationKeyStore store;
  private final Map<String, LinkKeySupply> links;
  private final Map<String, Bb84LinkEnd> bb84Links;
  private final LiveStations live;
  private final RelayStats relayStats;
  /** The operators' API; set once the station is up. */
  private volatile AdminGrpcServer admin;
  /** The operators' live map; null when qnode.dashboard.enabled is off (or before the station is up). */
  private volatile DashboardServer dashboard;
  private volatile AdminView adminView;
  private volatile NetworkWatch watch;
  /** Pekko Management's cluster HTTP; null unless qnode.management.enabled is on. */
  private volatile StationManagement management;
  private final NeighbourClients clients;
  private final LinkGrpcServer grpc;
  private final ActorSystem<Void> system;
  private final ServerBinding https;
  private final Kme kme;
  /** The cluster removed this member: the stop it causes starts once. */
  private final java.util.concurrent.atomic.AtomicBoolean removedSeen = new java.util.concurrent.atomic.AtomicBoolean();
  private final RelayEngine relay;
  private final StationRoutes routes;
  private final RelayKeyRelayer relayer;
  /** Null when qnode.metrics.enabled is off. */
  private final StationMetrics metrics;
  /** Completed with the reason when the station failed closed (its store failed) and stopped. */
  private final java.util.concurrent.CompletableFuture<String> failedClosed = new java.util.concurrent.CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

  private Station(QnodeSettings settings, StationKeyStore store, Map<String, LinkKeySupply> links,
      Map<String, Bb84LinkEnd> bb84Links, LiveStations live, RelayStats relayStats, NeighbourClients clients, LinkGrpcServer grpc,
      ActorSystem<Void> system, ServerBinding https, Kme kme, RelayEngine relay, StationRoutes routes,
      RelayKeyRelayer relayer, StationMetrics metrics) {
    this.settings = settings;
    this.store = store;
    this.links = links;
    this.bb84Links = bb84Links;
    this.live = live;
    this.relayStats = relayStats;
    this.clients = clients;
    this.grpc = grpc;
    this.system = system;
    this.https = https;
    this.kme = kme;
    this.relay = relay;
    this.routes = routes;
    this.relayer = relayer;
    this.metrics = metrics;
  }

  /** Starts the station named by {@code settings.stationId()}; {@code config} is the full config. */
  public static Station start(QnodeSettings settings, Config config) {
    String self = settings.stationId();
    if (self.isEmpty()) {
      throw new IllegalArgumentException("qnode.station-id: no station chosen (use --station)");
    }
    // the caller's thread (the demo starts several stations at once) names this station while it starts it
    String callerStation = MDC.get(StationMdc.KEY);
    MDC.put(StationMdc.KEY, self);
    try {
      return startAs(self, settings, config);
    } finally {
      restoreMdc(callerStation);
    }
  }

  private static void restoreMdc(String before) {
    if (before == null) {
      MDC.remove(StationMdc.KEY);
    } else {
      MDC.put(StationMdc.KEY, before);
    }
  }

  private static Station startAs(String self, QnodeSettings settings, Config config) {
    TopologySpec topo = settings.topology();
    Path tls = settings.tlsDir();
    Identity identity;
    X509Certificate ca;
    try {
      identity = Pem.readIdentity(tls.resolve("stations").resolve(self + ".crt"),
          tls.resolve("stations").resolve(self + ".key"));
      ca = Pem.readCertificate(tls.resolve("ca.crt"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("qnode.tls-dir: cannot read the TLS material of station " + self
          + ": " + e.getMessage(), e);
    }
    Endpoint own = settings.ownEndpoint();

    List<AutoCloseable> started = new ArrayList<>();
    try {
      StationKeyStore store;
      DiskSpaceGuard diskGuard;
      Duration clockOffset = StationClock.offsetFromSystemProperties();
      InstantSource clock = StationClock.of(clockOffset);
      if (!clockOffset.isZero()) {
        log.warn("station {}: its clock reads {} off the system's (-D{}, fault injection)", self, clockOffset,
            StationClock.PROPERTY);
      }
      long minFree = config.getBytes(DiskSpaceGuard.SETTING);
      if (minFree < 0) {
        throw new org.qkdnet.qnode.config.ConfigException(DiskSpaceGuard.SETTING, "must not be negative, got " + minFree);
      }
      // a store from an earlier run: this station was a member before (see systemConfig)
      boolean ranBefore = java.nio.file.Files.exists(settings.dataDir().resolve("CURRENT"));
      // the KEK first: without it nothing is created, not even the data directory
      try (KeyEncryptionKey kek = KeyEncryptionKey.load(settings.kekFileOf(self))) {
        java.nio.file.Files.createDirectories(settings.dataDir());
        DiskSpaceGuard space = DiskSpaceGuard.of(settings.dataDir(), minFree);
        java.util.Optional<String> tooFull = space.problem();
        if (tooFull.isPresent()) {
          throw new org.qkdnet.qnode.config.ConfigException(DiskSpaceGuard.SETTING, tooFull.get());
        }
        diskGuard = space;
        store = StationKeyStore.open(settings.dataDir(), self, kek, clock::millis);
      }
      started.add(store);
      StationMetrics metrics = settings.metrics().enabled() ? StationMetrics.create(self) : null;
      if (metrics != null) {
        started.add(metrics);
        store.recordSyncs(metrics.store());
      }
      RelayRecorder relayRecorder = metrics == null ? RelayRecorder.NONE : metrics.relays();
      // no link hands out or accepts pad before an audit with its peer (auditLinks below)
      store.requireLinkAudits();
      java.util.concurrent.atomic.AtomicBoolean drained =
          new java.util.concurrent.atomic.AtomicBoolean(store.adminFlag(DRAINED));
      if (drained.get()) {
        log.warn("station {} starts drained (an operator drained it): no new relays start here or pass through it"
            + " until `qnode admin undrain {}`", self, self);
      }

      EventHub events = new EventHub(self, RECENT_EVENTS, RELAY_EVENTS_PER_SECOND, clock);

      Map<String, LinkKeySupply> links = new LinkedHashMap<>();
      Map<String, Bb84LinkEnd> bb84Links = new LinkedHashMap<>();
      String seed = settings.device().seed().isEmpty() ? "topology:" + topo.name() : settings.device().seed();
      boolean rawDetections = DeviceSettings.BB84_SIM.equals(settings.device().kind());
      for (String peer : topo.neighbors(self)) {
        LinkSpec spec = topo.linkBetween(self, peer).orElseThrow();
        QkdDevice.LinkEnds ends = QkdDevice.LinkEnds.of(self, peer, spec.km());
        QkdDevice device;
        if (rawDetections) {
          Bb84LinkEnd end = new Bb84LinkEnd(self, ends, seed, settings.bb84(spec), store,
              settings.device().maxPoolBytes(),
              settings.device().speedup(), settings.device().framePeriod().toNanos(), clock);
          bb84Links.put(peer, end);
          device = new Bb84Device(end, settings.device().speedup());
        } else {
          var b = settings.bb84(spec);
          device = new FinishedKeySimulator(ends, seed, b.params(), b.blockBits(), b.verificationTagBits(), b.eps(),
              settings.device().speedup());
        }
        int frameBytes = FramePacer.frameBytesFor(device.secureBitsPerSecond(),
            settings.device().framePeriod().toMillis(), MIN_FRAME_BYTES, settings.device().frameBytes());
        links.put(peer, new LinkKeySupply(self, device, store, settings.device().maxPoolBytes(), frameBytes,
            System.nanoTime(), clock));
      }

      for (String peer : links.keySet()) {
        if (store.isLinkAdminDown(peer)) {
          links.get(peer).adminDown(true);
          if (bb84Links.containsKey(peer)) {
            bb84Links.get(peer).adminDown(true);
          }
          log.warn("link {}-{} starts down (an operator took it down): no key, no relay until `qnode admin link-up`",
              self, peer);
        }
      }

      LiveStations live = new LiveStations();
      ClusterLinkStates linkStates = new ClusterLinkStates();
      // a neighbour that missed three pings (1 s apart) no longer counts as answering
      LinkLiveness liveness = new LinkLiveness(Duration.ofMillis(3_100).toNanos(), System::nanoTime);
      StationRoutes routes = new StationRoutes(self, topo, live, linkStates,
          new Suspicion(settings.relay().suspicionQuarantine()),
          new RoutingPolicy(settings.relay().maxPathHops(), settings.relay().linkReserveBytes()));
      routes.drainedFlag(drained::get);

      LinkTls linkTls = new LinkTls(identity, ca);
      NeighbourClients clients = new NeighbourClients(self, linkTls, n -> {
        Endpoint e = settings.network().endpointOf(n, topo);
        return new NeighbourClients.Address(e.host(), e.grpcPort());
      });
      started.add(clients);

      // key supply on demand (docs/key-supply.md): each direction keeps about an eighth of the
      // pool cap assigned ahead of need; the rest waits unassigned for whichever direction asks
      long target = Math.max(1024, settings.device().maxPoolBytes() / 8);
      Map<String, DirectionSupply> supplies = new LinkedHashMap<>();
      for (String peer : links.keySet()) {
        supplies.put(peer, new DirectionSupply(self, peer, store, clients, target,
            settings.relay().hopTimeout().toMillis()));
      }
      // post-processing below relays, on its urgent tier while a link is short (BackgroundPriority)
      org.qkdnet.qnode.link.PostProcessingUrgency urgency = org.qkdnet.qnode.link.PostProcessingUrgency.register(
          self, supplies);
      started.add(() -> urgency.unregister(self));
      PadSupply padSupply = new PadSupply() {
        @Override
        public java.util.concurrent.CompletionStage<Boolean> ensure(String peer, int bytes) {
          DirectionSupply s = supplies.get(peer);
          return s == null ? java.util.concurrent.CompletableFuture.completedFuture(false) : s.ensure(bytes);
        }

        @Override
        public void replenish(String peer) {
          DirectionSupply s = supplies.get(peer);
          if (s != null) {
            s.maintain();
          }
        }
      };

      RelaySettingsView limits = new RelaySettingsView(settings.relay().hopTimeout().toMillis(),
          settings.relay().relayTimeout().toMillis(), settings.relay().maxPathHops(),
          settings.etsi014().maxKeyCount(), settings.etsi014().maxKeySize() / 8, settings.relay().maxAttempts(),
          RelaySettings.MAX_PATHS, settings.etsi014().maxUndeliveredPerSlave());
      RelayEngine engine = new RelayEngine(self, store, RelayRecorder.timed(clients, relayRecorder, System::nanoTime),
          routes, padSupply, limits, clock);

      LinkGrpcServer grpc = LinkGrpcServer.start(own.host(), own.grpcPort(), linkTls, self,
          links.keySet(), engine, links, bb84Links, supplies);
      started.add(grpc);

      ActorSystem<Void> system = ActorSystem.create(
          StationGuardian.create(live, links.values(), clients, settings.device().framePeriod(),
              bb84Links.values(), clients, drbg(), supplies.values(),
              new StationGuardian.LinkState(linkStates, clients, liveness,
                  new LinkReports(self, store, links, bb84Links, supplies, liveness, drained::get),
                  topo.stations().stream().map(org.qkdnet.qnode.config.StationSpec::id).toList())),
          "qnode", systemConfig(settings, config, ranBefore));
      started.add(() -> {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      });

      RelayStats stats = new RelayStats();
      system.scheduler().scheduleAtFixedRate(RELAY_LOG_INTERVAL, RELAY_LOG_INTERVAL,
          () -> stats.intervalSummary(RELAY_LOG_INTERVAL.toSeconds() + " s").forEach(l -> log.info("{}", l)),
          system.executionContext());
      auditLinks(self, topo.neighbors(self), store, clients, system);
      Duration ttl = settings.etsi014().keyTtl();
      Duration sweep = Duration.ofMillis(Math.max(100, Math.min(ttl.toMillis() / 4, 10_000)));
      system.scheduler().scheduleAtFixedRate(sweep, sweep, () -> {
        try {
          store.expireDeliverables(ttl).forEach((slave, n) -> log.warn(
              "burned {} key(s) for SAE {} not fetched within qnode.etsi014.key-ttl {}", n, slave, ttl));
        } catch (RuntimeException e) {
          log.error("expiry of unfetched keys failed: {}", e.getMessage());
        }
      }, system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
      List<SaeEntry> registry = new ArrayList<>();
      for (SaeSpec sae : topo.saes()) {
        registry.add(new SaeEntry(sae.id(), sae.stationId()));
      }
      KmeLimits kmeLimits = new KmeLimits(settings.etsi014().maxKeyCount(), settings.etsi014().maxKeySize(),
          settings.etsi014().minKeySize(), settings.etsi014().defaultKeySize(), settings.etsi014().maxSaeIdCount());
      RelayKeyRelayer relayer = new RelayKeyRelayer(engine, routes, store, stats, topo, settings.relay().paths(),
          relayRecorder,
          () -> drained.get() ? "station " + self + " is drained by an operator: no new relays start here" : null,
          events);
      EtsiSettings etsi = settings.etsi014();
      Kme kme = new Kme(self, registry, kmeLimits, store, relayer, drbg(), topo::pairAllowed,
          new FairShare(etsi.fairShareWindow(), etsi.scarceBelowBytes(), System::nanoTime),
          etsi.maxUndeliveredPerSlave());
      SSLContext httpsTls = TlsContexts.mutualTls(identity, ca);
      ServerBinding https = Etsi014Server.start(system, kme,
              new SaeThrottle(etsi.requestsPerSecond(), etsi.requestBurst(), System::nanoTime),
              new SaeThrottle(etsi.keyBytesPerSecond(), (double) etsi.keyBytesBurst(), System::nanoTime),
              httpsTls, own.host(), own.httpsPort(), metrics == null ? Etsi014Recorder.NONE : metrics.etsi014())
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
      if (metrics != null) {
        serveMetrics(metrics, settings, self, links, bb84Links, store, supplies, system);
      }
      StationManagement management = null;
      if (settings.management().enabled()) {
        management = StationManagement.start(system, self);
        started.add(management);
      }
      log.info("station {} up: cluster {}:{}, LinkService {}:{}, ETSI 014 https://{}:{}, {} links",
          self, own.host(), own.clusterPort(), own.host(), grpc.port(), own.host(),
          https.localAddress().getPort(), links.size());
      if (!bb84Links.isEmpty() && !org.qkdnet.qnode.link.BackgroundPriority.fullyBelowRelays()) {
        log.info("station {}: {}", self, org.qkdnet.qnode.link.BackgroundPriority.describe());
      }
      if (!FatalErrors.exitOnOutOfMemoryError()) {
        log.info("station {}: an OutOfMemoryError caught inside a library would not stop the process; start java"
            + " with -XX:+ExitOnOutOfMemoryError (bin/qnode does)", self);
      }
      AdminView adminView =
          adminView(self, topo, system, live, linkStates, store, routes, System.nanoTime(), drained, links, bb84Links,
              events, engine, limits);
      NetworkWatch watch = new NetworkWatch(adminView, events);
      system.scheduler().scheduleAtFixedRate(WATCH_INTERVAL, WATCH_INTERVAL, watch::tick,
          system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
      AdminGrpcServer admin = AdminGrpcServer.start(own.host(), own.adminPort(), linkTls,
          java.util.Set.copyOf(topo.operators()), adminView,
          LinkTls.clientOfAnyStation(identity, ca), id -> {
            Endpoint e = settings.network().endpointOf(id, topo);
            return new java.net.InetSocketAddress(e.host(), e.adminPort());
          });
      started.add(admin);
      log.info("station {}: admin API on {}:{} (operator certificates only)", self, own.host(), admin.port());
      DashboardServer dashboard = null;
      if (settings.dashboard().enabled()) {
        dashboard = DashboardServer.start(own.host(), own.dashboardPort(), httpsTls,
            java.util.Set.copyOf(topo.operators()), new DashboardJson(topo, settings.device().maxPoolBytes()),
            () -> NetworkPicture.of(adminView), events, settings.dashboard(), self);
        started.add(dashboard);
        log.info("station {}: dashboard at {} (operator certificates only)", self, url(dashboard));
      }
      Station station = new Station(settings, store, links, bb84Links, live, stats, clients, grpc, system, https, kme,
          engine, routes, relayer, metrics);
      station.admin = admin;
      station.dashboard = dashboard;
      station.adminView = adminView;
      station.watch = watch;
      station.management = management;
      station.watchStore(diskGuard);
      station.watchMembership();
      return station;
    } catch (Exception e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("station " + self + " failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * Polls {@code done} every 50 ms until it holds or {@code max} has passed (an admin command is
   * answered once it took effect); the admin call's own thread waits, never an actor's.
   */
  private static boolean waitUntil(java.util.function.BooleanSupplier done, Duration max) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= until) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Recent member, link, route and alarm events kept for a watcher that just arrived. */
  static final int RECENT_EVENTS = 256;
  /** Relay events handed to watchers per second at most (the dashboard animates them). */
  static final int RELAY_EVENTS_PER_SECOND = 20;
  /** How often the station looks at the network for member, link and route changes. */
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

  /** The admin flag that keeps a drained station drained across restarts. */
  static final String DRAINED = "drained";

  /** What the admin API reads and changes at this station (figures only, never key material). */
  private static AdminView adminView(String self, TopologySpec topo, ActorSystem<Void> system, LiveStations live,
      ClusterLinkStates linkStates, StationKeyStore store, StationRoutes routes, long startedNanos,
      java.util.concurrent.atomic.AtomicBoolean drained, Map<String, LinkKeySupply> links,
      Map<String, Bb84LinkEnd> bb84Links, EventHub events, RelayEngine engine, RelaySettingsView limits) {
    String version = java.util.Optional.ofNullable(Station.class.getPackage().getImplementationVersion()).orElse("dev");
    return new AdminView() {
      @Override
      public String station() {
        return self;
      }

      @Override
      public TopologySpec topology() {
        return topo;
      }

      @Override
      public EventHub events() {
        return events;
      }

      @Override
      public List<ClusterMembers.Member> members() {
        return ClusterMembers.of(system);
      }

      @Override
      public Map<String, StationReport> reports() {
        // only reports of the members' current incarnations: a restarted station's old report is stale
        Map<String, Long> incarnations = live.view().incarnations();
        Map<String, StationReport> out = new java.util.HashMap<>();
        linkStates.snapshot().forEach((id, r) -> {
          Long inc = incarnations.get(id);
          if (inc != null && inc == r.incarnation()) {
            out.put(id, r);
          }
        });
        return out;
      }

      @Override
      public long uptimeMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public java.util.Optional<String> storeFailure() {
        return store.failure();
      }

      @Override
      public RouteDecision explainRoute(String from, String to) {
        return routes.explainFrom(from, to, 64);
      }

      @Override
      public Optional<List<String>> route(String from, String to) {
        return routes.routeFrom(from, to, 64);
      }

      @Override
      public List<List<String>> disjointRoutes(String from, String to, int k) {
        return routes.disjointRoutesFrom(from, to, k, 64);
      }

      @Override
      public String setDrained(boolean on, String operator) throws InterruptedException {
        boolean was = drained.get();
        store.setAdminFlag(DRAINED, on);
        drained.set(on);
        log.warn("ADMIN operator {} {} station {}{}", operator, on ? "drained" : "undrained", self,
            was == on ? " (it already was)" : "");
        // answered once it took effect: this station's published link state says so (bounded wait)
        if (waitUntil(() -> linkStates.own().map(r -> r.drained() == on).orElse(false), Duration.ofSeconds(10))) {
          return (on ? "drained" : "undrained") + (was == on ? " (it already was)" : "");
        }
        return (on ? "drained" : "undrained") + " here; its link state is not yet published (cluster busy)";
      }

      @Override
      public Probe probe(String to, String operator) throws InterruptedException {
        log.warn("ADMIN operator {} probes the route {} -> {} (one test key, burned at both ends)", operator, self, to);
        try {
          RelayEngine.Delivery d = engine.probe(to).toCompletableFuture()
              .get(limits.relayTimeoutMillis() + 2_000, TimeUnit.MILLISECONDS);
          return new Probe(true, d.path(), d.hopMicros(), d.routeTimes().get(0).toNanos() / 1000, "", "");
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof org.qkdnet.qnode.relay.RelayException re) {
            return new Probe(false, List.of(), List.of(), 0, re.outcome().reason(),
                re.outcome().detail() + (re.outcome().failedAt().isEmpty() ? "" : " (at " + re.outcome().failedAt() + ")"));
          }
          return new Probe(false, List.of(), List.of(), 0, "INTERNAL", e.getCause().getClass().getSimpleName());
        } catch (java.util.concurrent.TimeoutException e) {
          return new Probe(false, List.of(), List.of(), 0, "TIMEOUT", "no answer within the relay timeout");
        }
      }

      @Override
      public String setLinkDown(String peer, boolean down, String operator) throws InterruptedException {
        boolean was = store.isLinkAdminDown(peer);
        store.setLinkAdminDown(peer, down);
        LinkKeySupply supply = links.get(peer);
        if (supply != null) {
          supply.adminDown(down);
        }
        Bb84LinkEnd bb84 = bb84Links.get(peer);
        if (bb84 != null) {
          bb84.adminDown(down);
        }
        log.warn("ADMIN operator {} took link {}-{} {}{}", operator, self, peer, down ? "down" : "up",
            was == down ? " (it already was)" : "");
        if (waitUntil(() -> linkStates.own().flatMap(r -> r.link(peer))
            .map(l -> (l.status() == LinkStatus.ADMIN_DOWN) == down).orElse(false), Duration.ofSeconds(10))) {
          return (down ? "down" : "up") + (was == down ? " (it already was)" : "");
        }
        return (down ? "down" : "up") + " here; its link state is not yet published (cluster busy)";
      }

      @Override
      public Zeroized zeroizeLink(String peer, String operator) throws InterruptedException {
        long unused = store.availableToSend(peer) + store.ledger(new org.qkdnet.qnode.keystore.StreamId(peer, self)).available()
            + store.supply(peer).unassigned();
        long oldEpoch = store.linkAudit(peer).epoch();
        store.quarantine(peer, "zeroized by operator " + operator);
        log.warn("ADMIN operator {} zeroized link {}-{}: {} unused bytes burned here; both ends re-key it under a new"
            + " epoch from fresh frames", operator, self, peer, unused);
        if (waitUntil(() -> !store.isQuarantined(peer) && store.linkBlocked(peer).isEmpty()
            && store.linkAudit(peer).epoch() != oldEpoch, Duration.ofSeconds(30))) {
          return new Zeroized(unused, true, "unused key burned at both ends; link re-keyed under a new epoch,"
              + " serving from fresh frames");
        }
        return new Zeroized(unused, false, "unused key burned here; the re-key with " + peer
            + " is pending (it is retried until " + peer + " answers)");
      }
    };
  }

  /**
   * Binds the link and cluster gauges and starts {@code GET /metrics} on qnode.metrics.host and the
   * station's metrics port (explicit, else base-port + 10 x index + 4).
   */
  private static void serveMetrics(StationMetrics metrics, QnodeSettings settings, String self,
      Map<String, LinkKeySupply> links, Map<String, Bb84LinkEnd> bb84Links, StationKeyStore store,
      Map<String, DirectionSupply> supplies, ActorSystem<Void> system) throws java.io.IOException {
    for (Map.Entry<String, LinkKeySupply> e : links.entrySet()) {
      String peer = e.getKey();
      LinkSpec spec = settings.topology().linkBetween(self, peer).orElseThrow();
      Bb84LinkEnd end = bb84Links.get(peer);
      DirectionSupply supply = supplies.get(peer);
      QkdDevice device = e.getValue().device();
      metrics.bindLink(new LinkView(spec.a() + "-" + spec.b(), peer,
          () -> store.availableToSend(peer),
          () -> store.ledger(new org.qkdnet.qnode.keystore.StreamId(peer, self)).available(),
          () -> store.supply(peer).unassigned(),
          end == null ? device::secureBitsPerSecond : () -> end.stats().snapshot().secureBps(),
          end == null ? null : () -> end.stats().snapshot(),
          supply == null ? null : supply::keyUseBytesPerSecond, supply == null ? null : supply::shortOfKey));
    }
    metrics.bindCluster(ClusterMetrics.of(system));
    String host = settings.metrics().host();
    int port = metrics.serve(host, settings.ownMetricsPort(), "qnode-metrics-" + self);
    if (java.net.InetAddress.getByName(host).isLoopbackAddress()) {
      log.info("station {}: metrics at http://{}:{}/metrics", self, host, port);
    } else {
      log.warn("station {}: metrics at http://{}:{}/metrics, beyond loopback (qnode.metrics.host): plain HTTP"
          + " without authentication, for a trusted network only", self, host, port);
    }
  }

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /**
   * How long the first seed station waits for another seed before it founds a cluster of its own,
   * when it restarts on a store of an earlier run. Pekko lets the first seed found a new cluster
   * when no other seed answers within seed-node-timeout (2 s here, so a fresh network forms fast);
   * a restarted first seed whose peers answered late (a busy machine) founded an island of one
   * that never merged back (DiskFullTest saw it). Waiting longer on a restart costs a cold restart
   * of every station this much before the cluster forms.
   */
  static final Duration REJOIN_SEED_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Pekko settings of this station: its cluster address, roles and the seed nodes; {@code
   * rejoining}: it ran before (see {@link #REJOIN_SEED_TIMEOUT}).
   */
  static Config systemConfig(QnodeSettings settings, Config config, boolean rejoining) {
    TopologySpec topo = settings.topology();
    String self = settings.stationId();
    Endpoint own = settings.ownEndpoint();
    StationSpec spec = topo.station(self).orElseThrow();
    List<String> seeds = new ArrayList<>();
    for (StationSpec s : seedStations(topo)) {
      Endpoint e = settings.network().endpointOf(s.id(), topo);
      seeds.add("pekko://qnode@" + e.host() + ":" + e.clusterPort());
    }
    String roleName = spec.role() == Role.BACKBONE ? "backbone" : "relay";
    Config management = ConfigFactory.empty();
    if (settings.management().enabled()) {
      // Pekko Management binds where it advertises: the station's own host, never all interfaces
      management = management
          .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(own.host()))
          .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(settings.ownManagementPort()));
    }
    if (rejoining && seedStations(topo).get(0).id().equals(self)) {
      management = management.withValue("pekko.cluster.seed-node-timeout",
          ConfigValueFactory.fromAnyRef(REJOIN_SEED_TIMEOUT.toMillis() + "ms"));
    }
    return StationExecutor.install(management
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(own.host()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(own.clusterPort()))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(
            List.of(roleName, ClusterMembership.STATION_ROLE_PREFIX + self)))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(config)
        .resolve(), self);
  }

  /**
   * The cluster's seed nodes: every station, backbone stations first (the first of the list is the
   * one that founds the cluster when no other seed answers). Every station, not the backbone
   * alone: a station joins through whichever seed answers first, and when all backbone stations
   * crashed together the survivors must be among those that answer, or the restarted backbone
   * founds a second cluster beside the survivors' and the two never merge (a chaos run saw DEL
   * and ECH cut off that way for good after ALP, BRA and CHA crashed at once).
   */
  static List<StationSpec> seedStations(TopologySpec topo) {
    List<StationSpec> out = new ArrayList<>(topo.stationsWithRole(Role.BACKBONE));
    for (StationSpec s : topo.stations()) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  public String id() {
    return settings.stationId();
  }

  public QnodeSettings settings() {
    return settings;
  }

  public StationKeyStore store() {
    return store;
  }

  public Map<String, LinkKeySupply> links() {
    return links;
  }

  /** Links whose device is the raw-detection simulator (device kind bb84-sim), by peer. */
  public Map<String, Bb84LinkEnd> bb84Links() {
    return bb84Links;
  }

  /** Post-processing figures of the link to {@code peer}; empty for finished-key devices. */
  public Optional<LinkStats.Snapshot> linkStats(String peer) {
    return Optional.ofNullable(bb84Links.get(peer)).map(e -> e.stats().snapshot());
  }

  public LiveStations liveStations() {
    return live;
  }

  public RelayStats relayStats() {
    return relayStats;
  }

  public Kme kme() {
    return kme;
  }

  /** The relay engine, for benchmarks that measure relays without the HTTP layer. */
  public RelayEngine relayEngine() {
    return relay;
  }

  /**
   * One bare LinkService {@code Ping} to neighbour {@code peer} over the channel relays use (mutual
   * TLS, same stub): the unary-call baseline a relay hop is compared with in {@code bench relay}.
   * Completes with the station that answered.
   */
  public java.util.concurrent.CompletionStage<String> pingNeighbour(String peer) {
    return clients.ping(peer);
  }

  /**
   * The routes a key from {@code masterSae} to {@code slaveSae} (at {@code destination}) would
   * take now: one, or one per share for a multipath pair; empty while there are not enough usable
   * routes with key for a 256-bit key. For demos, tests and operators.
   */
  public List<List<String>> currentRoutes(String destination, String masterSae, String slaveSae) {
    int paths = relayer.pathsFor(masterSae, slaveSae);
    long need = 32 + 32;
    List<List<String>> r = paths == 1
        ? routes.route(destination, need, RelayRoutes.Avoid.NONE).map(List::of).orElse(List.of())
        : routes.disjointRoutes(destination, paths, need, RelayRoutes.Avoid.NONE);
    return r.size() < paths ? List.of() : r;
  }

  /**
   * Up to {@code k} node-disjoint routes toward {@code destination} that can carry one 32-byte key
   * now (every link with key in the sending direction), whatever the SAE pair's multipath setting.
   */
  public List<List<String>> currentDisjointRoutes(String destination, int k) {
    return routes.disjointRoutes(destination, k, 32 + 32, RelayRoutes.Avoid.NONE);
  }

  /** The route decision toward {@code destination} with the reasons for excluded stations and links. */
  public RouteDecision explainRoute(String destination) {
    return routes.explain(destination, 64);
  }

  /**
   * Fault injection for tests: this station's LinkService stops answering at once (connections
   * dropped, as after a kill -9 or a cut fibre) while its cluster member stays up.
   */
  public void killLinkService() {
    log.warn("station {}: LinkService killed (fault injection)", id());
    grpc.kill();
  }

  /** {@code http://host:port/metrics}, unless metrics are off. */
  public Optional<String> metricsUrl() {
    return metrics == null ? Optional.empty() : metrics.url();
  }

  /** {@code http://host:port} of Pekko Management's routes, unless qnode.management is off. */
  public Optional<String> managementUrl() {
    StationManagement m = management;
    return m == null ? Optional.empty() : Optional.of(m.url());
  }

  /** This station's metrics registry and recorders, unless metrics are off (tests, tools). */
  public Optional<StationMetrics> metrics() {
    return Optional.ofNullable(metrics);
  }

  /** {@code https://host:port/}, the operators' live map, unless qnode.dashboard is off. */
  public Optional<String> dashboardUrl() {
    DashboardServer d = dashboard;
    return d == null ? Optional.empty() : Optional.of(url(d));
  }

  private static String url(DashboardServer d) {
    String host = d.host().indexOf(':') >= 0 ? "[" + d.host() + "]" : d.host();
    return "https://" + host + ":" + d.port() + "/";
  }

  public int httpsPort() {
    return https.localAddress().getPort();
  }

  /** The admin API's port (0 before the station is up). */
  /** What the admin API and the dashboard read and change here. */
  public AdminView adminView() {
    return adminView;
  }

  /** This station's event hub (WatchEvents, the dashboard). */
  public EventHub events() {
    return adminView.events();
  }

  /** Takes a look at the network now and publishes what changed (tests; the station does it every second). */
  public void watchNow() {
    watch.tick();
  }

  public int adminPort() {
    AdminGrpcServer a = admin;
    return a == null ? 0 : a.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public ActorSystem<Void> actorSystem() {
    return system;
  }

  /**
   * Fail-stop (RELIABILITY.md section 6): once the store has failed, the station does not stay a
   * member that routes lead through and relays fail at; it leaves the cluster and stops, and
   * {@link #failedClosed()} completes with the reason (`qnode run` then exits 1). Restarted, it
   * recovers from the store's WAL.
   */
  private void watchStore(DiskSpaceGuard space) {
    Duration every = Duration.ofSeconds(1);
    system.scheduler().scheduleAtFixedRate(every, every, () -> {
      if (closing.get() || failedClosed.isDone()) {
        return;
      }
      if (store.failure().isEmpty() && space != null) {
        space.problem().ifPresent(store::injectFailure);
      }
      java.util.Optional<String> why = store.failure();
      if (why.isPresent()) {
        log.error("ALARM station {}: key store failed ({}); failing closed: leaving the cluster and stopping",
            id(), why.get());
        Thread t = new Thread(() -> {
          close();
          failedClosed.complete("its key store failed (" + why.get() + ")");
        }, "qnode-fail-stop-" + id());
        t.setDaemon(true);
        t.start();
      }
    }, system.executionContext());
  }

  /**
   * Audits every link with its peer (issue 10 item 2): at once after start (a link carries no
   * pad until its first audit passed: {@link StationKeyStore#requireLinkAudits}), then every 5 s.
   * A link whose two ends' histories do not fit is quarantined at both ends (an ALARM logged);
   * the lower station id then re-keys it with the peer under a new epoch (LinkRekey in
   * link.proto), after which it is audited again and carries pad from fresh frames only.
   */
  private static void auditLinks(String self, List<String> peers, StationKeyStore store, NeighbourClients clients,
      ActorSystem<Void> system) {
    scala.concurrent.ExecutionContextExecutor blocking =
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    Map<String, java.util.concurrent.atomic.AtomicBoolean> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> lastPassed = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> lastRekey = new java.util.concurrent.ConcurrentHashMap<>();
    long periodic = Duration.ofSeconds(5).toNanos();
    long rekeyEvery = Duration.ofSeconds(2).toNanos();
    system.scheduler().scheduleAtFixedRate(Duration.ofMillis(100), Duration.ofMillis(500), () -> {
      for (String peer : peers) {
        java.util.concurrent.atomic.AtomicBoolean busy =
            inFlight.computeIfAbsent(peer, p -> new java.util.concurrent.atomic.AtomicBoolean());
        try {
          if (store.isQuarantined(peer)) {
            lastPassed.remove(peer);
            Long tried = lastRekey.get(peer);
            if (self.compareTo(peer) < 0 && (tried == null || System.nanoTime() - tried >= rekeyEvery)
                && busy.compareAndSet(false, true)) {
              lastRekey.put(peer, System.nanoTime());
              rekeyLink(self, peer, store, clients, blocking, busy);
            }
            continue;
          }
          Long passed = lastPassed.get(peer);
          if (passed != null && System.nanoTime() - passed < periodic && store.linkBlocked(peer).isEmpty()) {
            continue;
          }
          if (!busy.compareAndSet(false, true)) {
            continue;
          }
          org.qkdnet.qnode.keystore.LinkAudit before;
          try {
            before = store.linkAudit(peer);
          } catch (RuntimeException e) {
            busy.set(false);
            throw e;
          }
          clients.audit(peer, before).whenCompleteAsync((theirs, err) -> {
            try {
              if (err != null) {
                java.util.Optional<String> atPeer = NeighbourClients.quarantinedAtPeer(err);
                if (atPeer.isPresent() && !store.isQuarantined(peer)) {
                  store.quarantine(peer, "the peer quarantined the link (" + atPeer.get() + ")");
                  log.error("ALARM link {}-{} quarantined: the peer quarantined it ({}); no relay, no key generation"
                      + " on it, its unused pool burned, until it is re-keyed", self, peer, atPeer.get());
                }
                return; // otherwise the peer is not answering: the link stays as it is, asked again soon
              }
              java.util.Optional<String> problem = store.completeAudit(peer, before, theirs);
              if (problem.isPresent()) {
                log.error("ALARM link {}-{} quarantined: {}; no relay, no key generation on it, its unused pool"
                    + " burned, until it is re-keyed", self, peer, problem.get());
              } else {
                lastPassed.put(peer, System.nanoTime());
              }
            } catch (RuntimeException e) {
              log.warn("audit of link {}-{} failed: {}", self, peer, e.toString());
            } finally {
              busy.set(false);
            }
          }, blocking);
        } catch (RuntimeException e) {
          log.warn("audit of link {}-{} not started: {}", self, peer, e.toString());
        }
      }
    }, blocking);
  }

  /** The lower id's side of a re-key (LinkRekey in link.proto); {@code busy} is cleared when it ends. */
  private static void rekeyLink(String self, String peer, StationKeyStore store, NeighbourClients clients,
      java.util.concurrent.Executor executor, java.util.concurrent.atomic.AtomicBoolean busy) {
    org.qkdnet.qnode.keystore.LinkPosition mine;
    long epoch = StationKeyStore.newEpochId();
    String why;
    try {
      mine = store.linkPosition(peer);
      why = store.linkBlocked(peer).orElse("quarantined");
    } catch (RuntimeException e) {
      busy.set(false);
      throw e;
    }
    clients.rekey(peer, epoch, mine, why).whenCompleteAsync((theirs, err) -> {
      try {
        if (err != null) {
          log.debug("re-key of link {}-{} not done yet: {}", self, peer, err.toString());
          return; // tried again in a few seconds
        }
        store.rekey(peer, org.qkdnet.qnode.keystore.LinkPosition.agreed(mine, theirs), epoch, why);
        log.warn("link {}-{} re-keyed after its quarantine: new epoch, key only from fresh frames {} on; carries no"
            + " pad until audited", self, peer, Math.max(mine.nextFrame(), theirs.nextFrame()));
      } catch (RuntimeException e) {
        log.warn("re-key of link {}-{} failed, tried again soon: {}", self, peer, e.toString());
      } finally {
        busy.set(false);
      }
    }, executor);
  }

  /**
   * A station the cluster removed (downed by the split-brain resolver after a partition, or by an
   * operator) has its actor system terminated by Pekko while its servers would go on answering:
   * a member no more, yet still taking ETSI 014 requests and hops. It stops instead, and {@link
   * #failedClosed()} says why (`qnode run` exits 1, so that a supervisor restarts it and it joins
   * again as a new member).
   */
  private void watchMembership() {
    // The cluster's own word, at once: when this member is removed (downed and shut out) the
    // extension runs these callbacks while it shuts down. Waiting for the actor system to
    // terminate instead took a minute in a chaos run (an actor outliving the shutdown's 10 s
    // phase), a minute in which the station was no member and still answered.
    org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .registerOnMemberRemoved(this::removedFromCluster);
    system.getWhenTerminated().thenAccept(done -> removedFromCluster());
  }

  private void removedFromCluster() {
    if (closing.get() || failedClosed.isDone() || !removedSeen.compareAndSet(false, true)) {
      return;
    }
    String why = "the cluster removed it (downed, e.g. by the split-brain resolver after a partition)";
    String callerStation = MDC.get(StationMdc.KEY);
    MDC.put(StationMdc.KEY, id());
    try {
      log.error("ALARM station {}: {}; stopping: restart it to join again", id(), why);
    } finally {
      restoreMdc(callerStation);
    }
    Thread t = new Thread(() -> {
      close();
      failedClosed.complete(why);
    }, "qnode-removed-stop-" + id());
    t.setDaemon(true);
    t.start();
  }

  /** Completes with the reason once the station has failed closed and stopped. */
  public java.util.concurrent.CompletionStage<String> failedClosed() {
    return failedClosed;
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    String callerStation = MDC.get(StationMdc.KEY);
    MDC.put(StationMdc.KEY, id());
    try {
      closeAs();
    } finally {
      restoreMdc(callerStation);
    }
  }

  private void closeAs() {
    log.info("station {} shutting down", id());
    DashboardServer d = dashboard;
    if (d != null) {
      d.close();
    }
    AdminGrpcServer a = admin;
    if (a != null) {
      a.close();
    }
    if (metrics != null) {
      metrics.closeServer();
    }
    StationManagement m = management;
    if (m != null) {
      try {
        m.close();
      } catch (Exception e) {
        log.warn("Pekko Management of {} did not stop cleanly: {}", id(), e.toString());
      }
    }
    // answers already taken by the server are sent and their keys deleted before it stops
    try {
      if (!kme.quiesceFetches(Duration.ofMillis(Kme.DELETE_TAKEN_AFTER_MILLIS + 2_000))) {
        log.warn("station {}: dec_keys answers still in flight at the stop", id());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      https.terminate(Duration.ofSeconds(3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("ETSI 014 server of {} did not stop cleanly: {}", id(), e.toString());
    }
    // left over only if the wait above ran out: their bytes had that long to leave
    try {
      int settled = kme.settleTakenAnswers();
      if (settled > 0) {
        log.info("station {} deleted the keys of {} dec_keys answer(s) sent just before the stop", id(), settled);
      }
    } catch (RuntimeException e) {
      log.warn("station {} could not settle its last dec_keys answers: {}", id(), e.toString());
    }
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system of {} did not stop in time: {}", id(), e.toString());
    }
    grpc.close();
    clients.close();
    store.close();
    if (metrics != null) {
      metrics.close();
    }
    log.info("station {} stopped", id());
  }
}
