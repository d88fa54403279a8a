package dev.berth.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A template refused by validation: {@code invalid_template}, with each problem at its field so
 * the API can say where in the sent document it is.
 */
public final class TemplateException extends BerthException {
    private final List<TemplateProblem> problems;

    public TemplateException(List<TemplateProblem> problems) {
        super(ErrorCode.INVALID_TEMPLATE, problems.stream().map(TemplateProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<TemplateProblem> problems() {
        return problems;
    }
}
