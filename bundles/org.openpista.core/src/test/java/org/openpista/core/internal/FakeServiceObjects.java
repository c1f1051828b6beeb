package org.openpista.core.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.api.tool.Tool;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * What Declarative Services hands the tool registry for one tool service: its reference, and the
 * service on request; counts the requests, as a component would be activated by the first.
 */
final class FakeServiceObjects implements ComponentServiceObjects<Tool> {

    private final Tool tool;
    private final ServiceReference<Tool> reference;
    final AtomicInteger gets = new AtomicInteger();

    private FakeServiceObjects(Tool tool, ServiceReference<Tool> reference) {
        this.tool = tool;
        this.reference = reference;
    }

    static FakeServiceObjects of(Tool tool, ServiceReference<Tool> reference) {
        return new FakeServiceObjects(tool, reference);
    }

    @Override
    public Tool getService() {
        gets.incrementAndGet();
        return tool;
    }

    @Override
    public void ungetService(Tool service) {}

    @Override
    public ServiceReference<Tool> getServiceReference() {
        return reference;
    }
}
