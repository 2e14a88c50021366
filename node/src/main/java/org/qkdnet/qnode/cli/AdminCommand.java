package org.qkdnet.qnode.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.linkservice.LinkTls;
import org.qkdnet.qnode.proto.v1.AdminServiceGrpc;
import org.qkdnet.qnode.proto.v1.DrainReply;
import org.qkdnet.qnode.proto.v1.DrainRequest;
import org.qkdnet.qnode.proto.v1.Event;
import org.qkdnet.qnode.proto.v1.Exclusion;
import org.qkdnet.qnode.proto.v1.GetRouteRequest;
import org.qkdnet.qnode.proto.v1.GetStatusRequest;
import org.qkdnet.qnode.proto.v1.HopTime;
import org.qkdnet.qnode.proto.v1.LinkEnd;
import org.qkdnet.qnode.proto.v1.LinkInfo;
import org.qkdnet.qnode.proto.v1.LinksReply;
import org.qkdnet.qnode.proto.v1.ListLinksRequest;
import org.qkdnet.qnode.proto.v1.Member;
import org.qkdnet.qnode.proto.v1.ProbeRelayReply;
import org.qkdnet.qnode.proto.v1.ProbeRelayRequest;
import org.qkdnet.qnode.proto.v1.RouteAlternative;
import org.qkdnet.qnode.proto.v1.RouteReply;
import org.qkdnet.qnode.proto.v1.SetLinkAdminStateReply;
import org.qkdnet.qnode.proto.v1.SetLinkAdminStateRequest;
import org.qkdnet.qnode.proto.v1.StatusReply;
import org.qkdnet.qnode.proto.v1.WatchEventsRequest;
import org.qkdnet.qnode.proto.v1.ZeroizeLinkReply;
import org.qkdnet.qnode.proto.v1.ZeroizeLinkRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code qnode admin}: the operator's client of a station's AdminService (gRPC, mutual TLS with an
 * operator certificate). Any station answers for the whole network. Human output is aligned
 * tables; {@code --json} prints one JSON document. Errors: exit 1 with one line naming the problem
 * (unreachable target, refused certificate, unknown station); exit 2 for bad options or files.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Operate the network through a station's admin API (operator certificate required).",
    subcommands = {AdminCommand.StatusCmd.class, AdminCommand.LinksCmd.class, AdminCommand.RouteCmd.class,
        AdminCommand.DrainCmd.class, AdminCommand.UndrainCmd.class, AdminCommand.ZeroizeLinkCmd.class,
        AdminCommand.LinkDownCmd.class, AdminCommand.LinkUpCmd.class, AdminCommand.ProbeCmd.class,
        AdminCommand.EventsCmd.class})
public final class AdminCommand implements Runnable {
  static final String DEFAULT_TARGET = "127.0.0.1:27003";

  @Spec
  CommandSpec spec;

  @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = DEFAULT_TARGET,
      description = "A station's admin endpoint (base-port + 10 x station index + 3). Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(names = "--tls-dir", paramLabel = "DIR",
      description = "A PKI directory written by `qnode certs`: ca.crt and operators/<NAME>.crt|.key.")
  Path tlsDir;

  @Option(names = "--operator", paramLabel = "NAME",
      description = "Which operator of --tls-dir (needed when it holds more than one).")
  String operator;

  @Option(names = "--ca", paramLabel = "FILE", description = "The network's CA certificate (PEM).")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE", description = "The operator's certificate (PEM).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "The operator's private key (PEM).")
  Path key;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Deadline of each call. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Connects, runs one call, closes; maps failures to one line and an exit code. */
  <T> int call(CommandSpec sub, Function<AdminServiceGrpc.AdminServiceBlockingStub, T> rpc,
      java.util.function.BiConsumer<T, PrintWriter> print) {
    PrintWriter out = sub.commandLine().getOut();
    PrintWriter err = sub.commandLine().getErr();
    String[] hostPort;
    org.qkdnet.qnode.crypto.Identity id;
    X509Certificate caCert;
    try {
      hostPort = parseTarget(target);
      Path[] files = credentials();
      caCert = Pem.readCertificate(files[0]);
      id = Pem.readIdentity(files[1], files[2]);
    } catch (ConfigException e) {
      err.println("qnode admin: " + e.getMessage());
      err.flush();
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("qnode admin: cannot read the operator's TLS files: " + e.getMessage());
      err.flush();
      return 2;
    }
    ManagedChannel ch = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
        .sslContext(LinkTls.clientOfAnyStation(id, caCert))
        .maxInboundMessageSize(8 * 1024 * 1024)
        .build();
    try {
      T reply = rpc.apply(AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS));
      print.accept(reply, out);
      out.flush();
      return 0;
    } catch (Failed f) {
      out.flush();
      err.println("qnode admin: " + f.getMessage());
      err.flush();
      return 1;
    } catch (StatusRuntimeException e) {
      err.println("qnode admin: " + explain(e.getStatus(), target, timeoutSeconds));
      err.flush();
      return 1;
    } finally {
      ch.shutdownNow();
      try {
        ch.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Thrown by a printer when the answer itself says the command failed (exit 1, after what it printed). */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** One line for a failed call. */
  static String explain(Status s, String target, int timeoutSeconds) {
    String d = s.getDescription() == null ? "" : s.getDescription();
    Throwable c = s.getCause();
    String cause = c == null ? "" : (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    return switch (s.getCode()) {
      case PERMISSION_DENIED, UNAUTHENTICATED -> "the station at " + target + " refused the certificate: " + d;
      case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION -> d;
      case DEADLINE_EXCEEDED -> "no answer from " + target + " within " + timeoutSeconds + " s";
      case UNAVAILABLE -> "cannot reach the admin API at " + target + ": "
          + oneLine(cause.isEmpty() ? d : cause + (d.isEmpty() ? "" : " (" + d + ")"));
      default -> "the call failed (" + s.getCode() + "): " + oneLine(d.isEmpty() ? cause : d);
    };
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  static String[] parseTarget(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new ConfigException("--target", "must be HOST:PORT, got '" + target + "'");
    }
    String port = target.substring(colon + 1);
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new ConfigException("--target", "port must be a number, got '" + port + "'");
    }
    if (p < 1 || p > 65535) {
      throw new ConfigException("--target", "port must be in 1..65535, got " + p);
    }
    return new String[] {target.substring(0, colon), port};
  }

  /** CA, certificate and key files: explicit ones, or from --tls-dir. */
  private Path[] credentials() {
    if (ca != null || cert != null || key != null) {
      if (ca == null || cert == null || key == null) {
        throw new ConfigException("--ca/--cert/--key", "give all three (or --tls-dir instead)");
      }
      return new Path[] {existing("--ca", ca), existing("--cert", cert), existing("--key", key)};
    }
    if (tlsDir == null) {
      throw new ConfigException("--tls-dir", "no operator credentials: give --tls-dir DIR (written by `qnode certs`)"
          + " or --ca FILE --cert FILE --key FILE");
    }
    Path ops = tlsDir.resolve("operators");
    String name = operator;
    if (name == null) {
      List<String> names = new ArrayList<>();
      try (Stream<Path> files = Files.list(ops)) {
        files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".crt"))
            .forEach(f -> names.add(f.substring(0, f.length() - 4)));
      } catch (IOException e) {
        throw new ConfigException("--tls-dir", "no operators/ directory in " + tlsDir);
      }
      if (names.size() != 1) {
        throw new ConfigException("--operator", names.isEmpty() ? "no operator certificate in " + ops
            : "choose one of " + names.stream().sorted().toList());
      }
      name = names.get(0);
    }
    return new Path[] {existing("--tls-dir", tlsDir.resolve("ca.crt")),
        existing("--operator", ops.resolve(name + ".crt")), existing("--operator", ops.resolve(name + ".key"))};
  }

  private static Path existing(String option, Path p) {
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(option, "no such file: " + p);
    }
    return p;
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static void printJson(Object node, PrintWriter out) {
    try {
      out.println(JSON.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows as an aligned table, the first row being the header. */
  static void table(List<List<String>> rows, PrintWriter out) {
    int cols = rows.get(0).size();
    int[] w = new int[cols];
    for (List<String> r : rows) {
      for (int i = 0; i < cols; i++) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    for (List<String> r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        b.append(i == cols - 1 ? r.get(i) : String.format(Locale.ROOT, "%-" + w[i] + "s  ", r.get(i)));
      }
      out.println(b.toString().stripTrailing());
    }
  }

  static String bytes(long b) {
    if (b < 10 * 1024) {
      return b + " B";
    }
    if (b < 10L * 1024 * 1024) {
      return (b / 1024) + " KiB";
    }
    return (b / (1024 * 1024)) + " MiB";
  }

  // ---- commands ----------------------------------------------------------------------------

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Cluster members (id, role, status, reachable, drained) and the answering station.")
  static final class StatusCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON document instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      return admin.call(spec, s -> s.getStatus(GetStatusRequest.getDefaultInstance()), (r, out) -> {
        if (json) {
          printJson(toJson(r), out);
          return;
        }
        out.printf(Locale.ROOT, "station %s (%s), version %s, up %d s, store %s%n", r.getStation(), r.getTopology(),
            r.getVersion(), r.getUptimeMs() / 1000, r.getStoreHealth());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "ROLE", "STATUS", "REACHABLE", "DRAINED", "STORE"));
        for (Member m : r.getMembersList()) {
          rows.add(List.of(m.getId(), m.getRole(), m.getStatus(), m.getReachable() ? "yes" : "no",
              m.getDrained() ? "yes" : "no", m.getStoreFailed() ? "failed" : "ok"));
        }
        table(rows, out);
      });
    }

    static ObjectNode toJson(StatusReply r) {
      ObjectNode o = JSON.createObjectNode();
      o.put("station", r.getStation());
      o.put("topology", r.getTopology());
      o.put("version", r.getVersion());
      o.put("uptime_ms", r.getUptimeMs());
      o.put("store_health", r.getStoreHealth());
      ArrayNode ms = o.putArray("members");
      for (Member m : r.getMembersList()) {
        ms.addObject().put("id", m.getId()).put("role", m.getRole()).put("status", m.getStatus())
            .put("reachable", m.getReachable()).put("drained", m.getDrained()).put("store_failed", m.getStoreFailed());
      }
      return o;
    }
  }

  @Command(name = "links", mixinStandardHelpOptions = true,
      description = {"Every fiber link: state and the unused key at both ends (coarse), rate, QBER, Cascade f,"
          + " frames dropped, how long ago key last came from a frame, the rate key is used at and which ends"
          + " find the link short of key (its post-processing then comes before the others').",
          "Figures are as the stations publish them: coarse (the last frame to 10 s); the age is read on this"
              + " machine's clock."})
  static final class LinksCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON document instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      return admin.call(spec, s -> s.listLinks(ListLinksRequest.getDefaultInstance()), (r, out) -> {
        long now = System.currentTimeMillis();
        if (json) {
          printJson(toJson(r, now), out);
          return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("LINK", "KM", "STATE", "POOL A", "POOL B", "A->B", "B->A", "SECURE", "QBER", "CASCADE F",
            "DROPPED", "LAST FRAME", "KEY USE", "SHORT AT"));
        for (LinkInfo l : r.getLinksList()) {
          rows.add(List.of(l.getA() + "-" + l.getB(), String.format(Locale.ROOT, "%.0f", l.getKm()), l.getState(),
              bytes(pool(l.getEndA())), bytes(pool(l.getEndB())), bytes(l.getEndA().getSendBytes()),
              bytes(l.getEndB().getSendBytes()),
              String.format(Locale.ROOT, "%.1f kbit/s", l.getSecureBitsPerSecond() / 1000),
              Double.isNaN(l.getQber()) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * l.getQber()),
              cascadeF(l) == null ? "-" : String.format(Locale.ROOT, "%.2f", cascadeF(l)),
              Long.toUnsignedString(l.getFramesDropped()),
              l.getLastFrameMs() <= 0 ? "never" : age(now - l.getLastFrameMs()) + " ago",
              bytes(Math.round(l.getKeyUseBytesPerSecond())) + "/s", shortAt(l)));
        }
        table(rows, out);
      });
    }

    /** The ends that find the link short of key, or "-". */
    static String shortAt(LinkInfo l) {
      List<String> at = new ArrayList<>();
      for (LinkEnd e : List.of(l.getEndA(), l.getEndB())) {
        if (e.getShortOfKey()) {
          at.add(e.getStation());
        }
      }
      return at.isEmpty() ? "-" : String.join(",", at);
    }

    /** Cascade f, or null when not measured (NaN; 0 from a station older than the field). */
    static Double cascadeF(LinkInfo l) {
      double f = l.getCascadeEfficiency();
      return f > 0 ? f : null;
    }

    /** A duration for a person: seconds, minutes, hours or days, whole units. */
    static String age(long millis) {
      long s = Math.max(0, millis / 1000);
      if (s < 120) {
        return s + " s";
      }
      if (s < 7_200) {
        return s / 60 + " min";
      }
      return s < 172_800 ? s / 3_600 + " h" : s / 86_400 + " d";
    }

    static long pool(LinkEnd e) {
      return e.getSendBytes() + e.getReceiveBytes() + e.getUnassignedBytes();
    }

    /** @param nowMillis this machine's clock, for {@code last_frame_age_s} */
    static ArrayNode toJson(LinksReply r, long nowMillis) {
      ArrayNode a = JSON.createArrayNode();
      for (LinkInfo l : r.getLinksList()) {
        ObjectNode o = a.addObject();
        o.put("a", l.getA()).put("b", l.getB()).put("km", l.getKm()).put("state", l.getState())
            .put("pool_bytes_a", pool(l.getEndA())).put("pool_bytes_b", pool(l.getEndB()))
            .put("secure_bits_per_second", l.getSecureBitsPerSecond());
        if (Double.isNaN(l.getQber())) {
          o.putNull("qber"); // not measured (finished-key-sim links)
        } else {
          o.put("qber", l.getQber());
        }
        if (cascadeF(l) == null) {
          o.putNull("cascade_f"); // not measured (finished-key-sim links)
        } else {
          o.put("cascade_f", cascadeF(l));
        }
        o.put("frames_dropped", l.getFramesDropped()).put("key_use_bytes_per_second", l.getKeyUseBytesPerSecond());
        if (l.getLastFrameMs() <= 0) {
          o.putNull("last_frame_ms").putNull("last_frame_age_s"); // no key from a frame since the ends started
        } else {
          o.put("last_frame_ms", l.getLastFrameMs())
              .put("last_frame_age_s", Math.max(0, (nowMillis - l.getLastFrameMs()) / 1000));
        }
        end(o.putObject("end_a"), l.getEndA());
        end(o.putObject("end_b"), l.getEndB());
      }
      return a;
    }

    private static void end(ObjectNode o, LinkEnd e) {
      o.put("station", e.getStation()).put("state", e.getState()).put("send_bytes", e.getSendBytes())
          .put("receive_bytes", e.getReceiveBytes()).put("unassigned_bytes", e.getUnassignedBytes())
          .put("short_of_key", e.getShortOfKey());
    }
  }

  @Command(name = "route", mixinStandardHelpOptions = true,
      description = "The route a key would take now from one station to another, other routes, and why"
          + " stations or links were left out.")
  static final class RouteCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "ID", description = "Origin station (default: the answering one).")
    String from = "";

    @Option(names = "--to", paramLabel = "ID", required = true, description = "Destination station.")
    String to;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    @Override
    public Integer call() {
      return admin.call(spec, s -> s.getRoute(GetRouteRequest.newBuilder().setFrom(from).setTo(to).build()),
          (r, out) -> {
            if (json) {
              printJson(toJson(from, to, r), out);
              return;
            }
            out.println(r.getPathCount() == 0 ? "no route: " + r.getSummary()
                : "route " + String.join(" > ", r.getPathList()) + " (" + (r.getPathCount() - 1) + " hops, "
                    + bytes(r.getBottleneckBytes()) + " of key at its narrowest" + (r.getReserveWaived()
                    ? ", below the reserve" : "") + ")");
            for (RouteAlternative alt : r.getAlternativesList()) {
              out.println("  also " + String.join(" > ", alt.getPathList()));
            }
            for (Exclusion e : r.getExcludedList()) {
              out.println("  left out " + e.getWhat() + ": " + e.getWhy());
            }
          });
    }

    static ObjectNode toJson(String from, String to, RouteReply r) {
      ObjectNode o = JSON.createObjectNode();
      o.put("from", from.isEmpty() && r.getPathCount() > 0 ? r.getPath(0) : from);
      o.put("to", to);
      ArrayNode p = o.putArray("path");
      r.getPathList().forEach(p::add);
      o.put("hops", r.getPathCount() == 0 ? -1 : r.getPathCount() - 1);
      o.put("bottleneck_bytes", r.getBottleneckBytes());
      o.put("reserve_waived", r.getReserveWaived());
      o.put("summary", r.getSummary());
      ArrayNode alts = o.putArray("alternatives");
      for (RouteAlternative a : r.getAlternativesList()) {
        ArrayNode x = alts.addArray();
        a.getPathList().forEach(x::add);
      }
      ArrayNode ex = o.putArray("excluded");
      for (Exclusion e : r.getExcludedList()) {
        ex.addObject().put("what", e.getWhat()).put("why", e.getWhy());
      }
      return o;
    }
  }
  /** drain / undrain: one station, forwarded by the target station when it is another one. */
  abstract static class DrainBase implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The station.")
    String station;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    abstract boolean on();

    @Override
    public Integer call() {
      DrainRequest q = DrainRequest.newBuilder().setStation(station).build();
      return admin.call(spec, s -> on() ? s.drain(q) : s.undrain(q), (DrainReply r, PrintWriter out) -> {
        if (json) {
          ObjectNode o = JSON.createObjectNode();
          o.put("station", r.getStation()).put("drained", r.getDrained()).put("detail", r.getDetail());
          printJson(o, out);
        } else {
          out.println("station " + r.getStation() + ": " + r.getDetail());
        }
      });
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Take a station out of service: no new relays start at it or pass through it; relays in"
          + " flight finish; keys stored for its SAEs stay fetchable. Lasts across restarts until undrain.")
  static final class DrainCmd extends DrainBase {
    @Override
    boolean on() {
      return true;
    }
  }

  @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Put a drained station back in service.")
  static final class UndrainCmd extends DrainBase {
    @Override
    boolean on() {
      return false;
    }
  }
  @Command(name = "zeroize-link", mixinStandardHelpOptions = true,
      description = "Burn every unused byte of a link's key at both ends (durably) and re-key it under a new"
          + " epoch from fresh frames. Needs --confirm.")
  static final class ZeroizeLinkCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "One end of the link.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The other end.")
    String b;

    @Option(names = "--confirm", description = "Yes, burn the link's unused key.")
    boolean confirm;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    @Override
    public Integer call() {
      ZeroizeLinkRequest q = ZeroizeLinkRequest.newBuilder().setA(a).setB(b).setConfirm(confirm).build();
      return admin.call(spec, s -> s.withDeadlineAfter(Math.max(admin.timeoutSeconds, 45), TimeUnit.SECONDS)
          .zeroizeLink(q), (ZeroizeLinkReply r, PrintWriter out) -> {
            if (json) {
              ObjectNode o = JSON.createObjectNode();
              o.put("a", r.getA()).put("b", r.getB()).put("burned_bytes", r.getBurnedBytes())
                  .put("rekeyed", r.getRekeyed()).put("detail", r.getDetail());
              printJson(o, out);
            } else {
              out.println("link " + r.getA() + "-" + r.getB() + ": " + bytes(r.getBurnedBytes())
                  + " of unused key burned at the answering end; " + r.getDetail());
            }
          });
    }
  }
  /** link-down / link-up: both ends of one link. */
  abstract static class LinkStateBase implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "One end of the link.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The other end.")
    String b;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    abstract boolean down();

    @Override
    public Integer call() {
      SetLinkAdminStateRequest q = SetLinkAdminStateRequest.newBuilder().setA(a).setB(b).setDown(down()).build();
      return admin.call(spec, s -> s.withDeadlineAfter(Math.max(admin.timeoutSeconds, 30), TimeUnit.SECONDS)
          .setLinkAdminState(q), (SetLinkAdminStateReply r, PrintWriter out) -> {
            if (json) {
              ObjectNode o = JSON.createObjectNode();
              o.put("a", r.getA()).put("b", r.getB()).put("down", r.getDown());
              ArrayNode d = o.putArray("detail");
              r.getDetailList().forEach(d::add);
              printJson(o, out);
            } else {
              out.println("link " + r.getA() + "-" + r.getB() + " " + (r.getDown() ? "down" : "up") + ": "
                  + String.join("; ", r.getDetailList()));
            }
          });
    }
  }

  @Command(name = "link-down", mixinStandardHelpOptions = true,
      description = "Take a link out of service at both ends: no key generation, no relay; routes avoid it."
          + " Lasts across restarts until link-up.")
  static final class LinkDownCmd extends LinkStateBase {
    @Override
    boolean down() {
      return true;
    }
  }

  @Command(name = "link-up", mixinStandardHelpOptions = true, description = "Put a link back in service.")
  static final class LinkUpCmd extends LinkStateBase {
    @Override
    boolean down() {
      return false;
    }
  }

  @Command(name = "probe", mixinStandardHelpOptions = true,
      description = "Relay one test key for no SAE over the route a key would take now and show each hop's time."
          + " The test key is burned at both ends of every hop (32 bytes of key per hop, plus the MAC key).")
  static final class ProbeCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "ID", description = "Origin station (default: the answering one).")
    String from = "";

    @Option(names = "--to", paramLabel = "ID", required = true, description = "Destination station.")
    String to;

    @Option(names = "--json", description = "One JSON document instead of text.")
    boolean json;

    @Override
    public Integer call() {
      ProbeRelayRequest q = ProbeRelayRequest.newBuilder().setFrom(from).setTo(to).build();
      return admin.call(spec, s -> s.withDeadlineAfter(Math.max(admin.timeoutSeconds, 45), TimeUnit.SECONDS)
          .probeRelay(q), (ProbeRelayReply r, PrintWriter out) -> {
            if (json) {
              printJson(toJson(r), out);
            } else if (r.getDelivered()) {
              out.println("probe " + String.join(" > ", r.getPathList()) + ": delivered in "
                  + ms(r.getTotalMillis()) + " (" + (r.getPathCount() - 1) + " hops)");
              List<List<String>> rows = new ArrayList<>();
              rows.add(List.of("HOP", "FROM", "TO", "TIME"));
              for (int i = 0; i < r.getHopsCount(); i++) {
                HopTime h = r.getHops(i);
                rows.add(List.of(String.valueOf(i + 1), h.getFrom(), h.getTo(),
                    h.getMillis() < 0 ? "?" : ms(h.getMillis())));
              }
              table(rows, out);
            }
            if (!r.getDelivered()) {
              throw new Failed("probe " + r.getFrom() + " -> " + r.getTo() + " failed: " + r.getReason() + ": "
                  + r.getDetail());
            }
          });
    }

    private static String ms(double millis) {
      return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    static ObjectNode toJson(ProbeRelayReply r) {
      ObjectNode o = JSON.createObjectNode();
      o.put("from", r.getFrom()).put("to", r.getTo()).put("delivered", r.getDelivered());
      ArrayNode p = o.putArray("path");
      r.getPathList().forEach(p::add);
      ArrayNode hops = o.putArray("hops");
      for (HopTime h : r.getHopsList()) {
        hops.addObject().put("from", h.getFrom()).put("to", h.getTo()).put("ms", h.getMillis());
      }
      o.put("total_ms", r.getTotalMillis());
      o.put("reason", r.getReason()).put("detail", r.getDetail());
      return o;
    }
  }

  @Command(name = "events", mixinStandardHelpOptions = true,
      description = "The answering station's member, link, route and alarm events: the recent ones it kept, and"
          + " with --follow every new one (relays too) until interrupted or --for has passed.")
  static final class EventsCmd implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--follow", description = "Keep watching for new events.")
    boolean follow;

    @Option(names = "--no-recent", negatable = false, description = "Leave out the kept recent events.")
    boolean noRecent;

    @Option(names = "--for", paramLabel = "SECONDS",
        description = "With --follow: stop after this many seconds (default: until interrupted).")
    Integer forSeconds;

    @Option(names = "--json", description = "One JSON object per event, one per line (JSON Lines).")
    boolean json;

    @Override
    public Integer call() {
      if (forSeconds != null && (forSeconds < 1 || !follow)) {
        spec.commandLine().getErr().println("qnode admin events: --for needs --follow and at least 1 second");
        spec.commandLine().getErr().flush();
        return 2;
      }
      WatchEventsRequest q = WatchEventsRequest.newBuilder().setRecent(!noRecent).setFollow(follow).build();
      return admin.call(spec, s -> {
        var stub = !follow ? s : forSeconds == null ? s.withDeadline(null) : s.withDeadlineAfter(forSeconds,
            TimeUnit.SECONDS);
        return stub.watchEvents(q);
      }, (java.util.Iterator<Event> events, PrintWriter out) -> {
        try {
          while (events.hasNext()) {
            Event e = events.next();
            if (json) {
              ObjectNode o = JSON.createObjectNode();
              o.put("seq", e.getSeq()).put("time_ms", e.getTimeMs()).put("station", e.getStation())
                  .put("kind", e.getKind()).put("subject", e.getSubject()).put("detail", e.getDetail());
              out.println(o.toString());
            } else {
              out.println(java.time.Instant.ofEpochMilli(e.getTimeMs()) + "  " + e.getStation() + "  "
                  + String.format(Locale.ROOT, "%-6s", e.getKind()) + "  " + e.getSubject() + "  " + e.getDetail());
            }
            out.flush();
          }
        } catch (StatusRuntimeException e) {
          if (forSeconds == null || e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            throw e;
          }
          // --for has passed: the watch ends normally
        }
      });
    }
  }
}
