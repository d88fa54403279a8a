package dev.berth.controller.api;

import dev.berth.model.ErrorCode;

/** The API's one error shape: {@code {"error":{"code":"ttl_exceeded","message":"..."}}}. */
public record ErrorBody(Detail error) {
    public record Detail(String code, String message) {
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(new Detail(code.wireName(), message));
    }
}
