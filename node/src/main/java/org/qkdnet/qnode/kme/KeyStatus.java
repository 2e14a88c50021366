package org.qkdnet.qnode.kme;

/** The answer to ETSI GS QKD 014 "Get status"; sizes in bits. */
public record KeyStatus(
    String sourceKmeId,
    String targetKmeId,
    String masterSaeId,
    String slaveSaeId,
    int keySize,
    long storedKeyCount,
    long maxKeyCount,
    int maxKeyPerRequest,
    int maxKeySize,
    int minKeySize,
    int maxSaeIdCount) {}
