package dev.berth.worker.runtime;

/** A container could not be created or started; the message is the reason reported upstream. */
public class ContainerStartException extends RuntimeException {
    public ContainerStartException(String reason) {
        super(reason);
    }

    public ContainerStartException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
