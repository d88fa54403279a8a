package dev.berth.controller.service;

import dev.berth.controller.state.Command;
import dev.berth.controller.store.StateStore;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Template;
import dev.berth.model.TemplateValidator;
import java.util.List;

/** Stores validated templates; refuses to delete one that live instances still run from. */
public final class TemplateService {
    private final StateStore store;
    private final TemplateValidator validator;

    public TemplateService(StateStore store, ControllerSettings settings) {
        this.store = store;
        this.validator = new TemplateValidator(settings.maxTtl());
    }

    public Template put(Template template) {
        validator.check(template);
        store.commit(new Command.PutTemplate(template)).orThrow();
        return template;
    }

    public Template get(String name) {
        Template t = store.read(s -> s.template(name));
        if (t == null) {
            throw new BerthException(ErrorCode.NOT_FOUND, "no template named '" + name + "'");
        }
        return t;
    }

    public List<Template> list() {
        return store.read(s -> List.copyOf(s.templates()));
    }

    public void delete(String name) {
        long live = store.read(s -> s.instances().stream()
                .filter(i -> i.template().equals(name) && !i.state().isTerminal()).count());
        if (live > 0) {
            throw new BerthException(ErrorCode.CONFLICT, "template '" + name + "' still has " + live + " live instance(s); stop them first");
        }
        store.commit(new Command.DeleteTemplate(name)).orThrow();
    }
}
