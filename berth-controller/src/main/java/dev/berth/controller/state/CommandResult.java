package dev.berth.controller.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Instance;

/**
 * The outcome of applying one command, returned to its proposer through Raft (the proposer
 * may be a follower whose own state has not caught up yet, so it cannot read the result locally).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResult(ErrorCode error, String message, Instance instance, long index) {

    public static CommandResult ok() {
        return new CommandResult(null, null, null, 0);
    }

    public static CommandResult ok(Instance instance) {
        return new CommandResult(null, null, instance, 0);
    }

    public static CommandResult fail(ErrorCode code, String message) {
        return new CommandResult(code, message, null, 0);
    }

    public CommandResult atIndex(long logIndex) {
        return new CommandResult(error, message, instance, logIndex);
    }

    @JsonIgnore
    public boolean isOk() {
        return error == null;
    }

    /** Turns a refusal into the exception the API maps to its error shape. */
    public CommandResult orThrow() {
        if (error != null) {
            throw new BerthException(error, message);
        }
        return this;
    }
}
