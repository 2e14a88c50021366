package org.qkdnet.qnode.kme.etsi014;

import java.util.List;

/** A parsed enc_keys request; {@code extensionMandatory} holds the names of the extensions. */
record EncKeysRequest(
    int number, int size, List<String> additionalSlaveSaeIds, List<String> extensionMandatory) {
  EncKeysRequest {
    additionalSlaveSaeIds = List.copyOf(additionalSlaveSaeIds);
    extensionMandatory = List.copyOf(extensionMandatory);
  }
}
