package org.openpista.api.usage;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sums of the token usage stored for every model request, priced as {@code openpista usage} prices
 * them ({@code [[pricing]]} entries win over the built-in list prices).
 */
@ProviderType
public interface UsageSummaries {

    /**
     * @param since the earliest time to include
     * @param sessionId only the requests of this session, or {@code null} for all sessions
     * @return the sums; all zero when nothing was requested
     * @throws org.openpista.api.memory.StoreException when the stored usage cannot be read
     */
    UsageSummary summary(Instant since, String sessionId);
}
