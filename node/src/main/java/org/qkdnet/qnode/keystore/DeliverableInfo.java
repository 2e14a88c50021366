package org.qkdnet.qnode.keystore;

/** A key waiting at its destination for its slave SAE, without its bytes (audits, chaos checks). */
public record DeliverableInfo(String keyId, String masterSae, String slaveSae) {}
