package dev.berth.cli.client;

/** Nothing answered at the API's address: the most common mistake, so it gets its own message. */
public final class ApiUnreachableException extends RuntimeException {
    private final String url;

    public ApiUnreachableException(String url, Throwable cause) {
        super("cannot reach the Berth API at " + url + ": is berth running?", cause);
        this.url = url;
    }

    public String url() {
        return url;
    }
}
