package org.openpista.api.memory;

import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The token counts of every model request, kept with the conversations (the memory bundle stores
 * them in the same database, deleted with their session), for {@code openpista usage}.
 * All methods throw {@link StoreException} when the storage fails.
 */
@ConsumerType
public interface UsageLedger {

    /**
     * Stores the usage of one answered model request and commits it.
     *
     * @param record the request's counts
     */
    void record(UsageRecord record);

    /**
     * @param since the earliest time to include
     * @return the records from then on, oldest first
     */
    List<UsageRecord> since(Instant since);
}
