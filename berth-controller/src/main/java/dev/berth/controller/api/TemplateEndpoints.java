package dev.berth.controller.api;

import dev.berth.controller.service.TemplateService;
import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import dev.berth.model.Template;

/** {@code /api/v1/templates}: list, read, create or replace (JSON or YAML), delete. */
final class TemplateEndpoints {
    private final TemplateService templates;

    TemplateEndpoints(TemplateService templates) {
        this.templates = templates;
    }

    void register(Router r) {
        r.get("/api/v1/templates", req -> ApiResponse.ok(templates.list()));
        r.get("/api/v1/templates/{name}", req -> ApiResponse.ok(templates.get(req.path("name"))));
        r.put("/api/v1/templates/{name}", req -> ApiResponse.ok(templates.put(named(req.body(Template.class, true), req.path("name")))));
        r.post("/api/v1/templates", req -> ApiResponse.created(templates.put(req.body(Template.class, true))));
        r.delete("/api/v1/templates/{name}", req -> {
            templates.delete(req.path("name"));
            return ApiResponse.noContent();
        });
    }

    /** The path names the template; a body may omit the name but must not contradict it. */
    static Template named(Template body, String pathName) {
        if (body.name() == null || body.name().isBlank()) {
            return new Template(pathName, body.image(), body.command(), body.ports(), body.env(),
                    body.resources(), body.ttl(), body.readiness(), body.onWorkerLost());
        }
        if (!body.name().equals(pathName)) {
            throw new BerthException(ErrorCode.INVALID_REQUEST,
                    "the body's name '" + body.name() + "' does not match the path's '" + pathName + "'");
        }
        return body;
    }
}
