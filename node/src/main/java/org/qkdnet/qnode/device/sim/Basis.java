package org.qkdnet.qnode.device.sim;

/** BB84 measurement basis: Z carries the key in efficient (biased-basis) BB84, X checks the phase. */
public enum Basis {
  Z,
  X
}
