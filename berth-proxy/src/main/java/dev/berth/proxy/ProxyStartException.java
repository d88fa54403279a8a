package dev.berth.proxy;

/**
 * The proxy cannot start as configured: an address already in use, certificate files that do not
 * load. The message is for the operator and names what to fix; no stack trace is needed.
 */
public final class ProxyStartException extends RuntimeException {
    public ProxyStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
