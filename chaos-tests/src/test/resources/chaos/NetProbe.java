// Run with the JDK's source launcher inside a lab namespace (NetLabTest):
//   java NetProbe.java serve HOST PORT...   accepts on each port and echoes one line back
//   java NetProbe.java connect HOST PORT    exit 0 if the echo came back within 2 s, else 1
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class NetProbe {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("serve")) {
      for (int i = 2; i < args.length; i++) {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(args[1], Integer.parseInt(args[i])));
        Thread t = new Thread(() -> {
          while (true) {
            try (Socket s = ss.accept()) {
              s.setSoTimeout(2000);
              String line = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
              new PrintWriter(s.getOutputStream(), true).println(line);
            } catch (Exception e) {
              // next client
            }
          }
        });
        t.start();
      }
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(600_000); // bounded: the test kills it long before
      return;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 2000);
      s.setSoTimeout(2000);
      new PrintWriter(s.getOutputStream(), true).println("ping");
      String back = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
      System.exit("ping".equals(back) ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
