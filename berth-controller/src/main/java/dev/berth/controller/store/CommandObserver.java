package dev.berth.controller.store;

import dev.berth.controller.state.Command;

/**
 * Told of every command this controller applies (every controller applies every committed
 * command), right after it was applied, on the apply thread: it must be cheap and never block.
 */
@FunctionalInterface
public interface CommandObserver {
    CommandObserver NONE = (command, ok) -> { };

    /** @param ok false when the state refused the command (its result carries an error code) */
    void applied(Command command, boolean ok);
}
