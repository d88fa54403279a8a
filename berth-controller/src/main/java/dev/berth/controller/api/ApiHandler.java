package dev.berth.controller.api;

/** One endpoint. Throws {@link dev.berth.model.BerthException} to refuse; anything else is a 500. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
