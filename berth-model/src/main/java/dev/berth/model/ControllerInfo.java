package dev.berth.model;

/** A controller's addresses as it registered them, so any controller can reach its peers' APIs. */
public record ControllerInfo(String id, String apiUrl, String grpcAddress, String raftAddress) {
}
