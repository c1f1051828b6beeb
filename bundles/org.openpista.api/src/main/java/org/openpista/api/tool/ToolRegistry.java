package org.openpista.api.tool;

import java.util.List;
import org.openpista.api.llm.ToolSpec;
import org.osgi.annotation.versioning.ProviderType;

/** The tools currently registered, as the runtime sees them. */
@ProviderType
public interface ToolRegistry {

    /** @return the specs of all tools available now, sorted by name */
    List<ToolSpec> tools();
}
