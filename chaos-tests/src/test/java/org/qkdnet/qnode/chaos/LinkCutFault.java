package org.qkdnet.qnode.chaos;

import java.util.Set;

/**
 * One LinkService link blackholed: TCP to and from the gRPC port between its two stations dropped
 * both ways ({@link NetLab#cutPort}) while the cluster still sees both (its port is untouched), so
 * relays over the link time out and must go round it or fail clearly; heal removes the cut.
 */
final class LinkCutFault implements Fault {
  private final ChaosNetwork.Link link;

  LinkCutFault(ChaosNetwork.Link link) {
    this.link = link;
  }

  /** None: both ends keep running; a station that fails meanwhile is the supervisor's. */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.of();
  }

  @Override
  public String kind() {
    return "link-cut";
  }

  @Override
  public String detail() {
    return link.a() + "-" + link.b();
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.NET_LAB);
  }

  @Override
  public void inject(Cluster c) throws Exception {
    int port = c.net().grpcPort(link.a());
    if (port != c.net().grpcPort(link.b())) {
      throw new IllegalStateException("the link's ends serve LinkService on different ports");
    }
    c.lab().cutPort(link.a(), link.b(), port);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.lab().healAll();
  }
}
