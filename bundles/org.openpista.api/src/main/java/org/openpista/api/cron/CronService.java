package org.openpista.api.cron;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The cron scheduler of a running daemon: lists its jobs and adds or removes jobs at runtime. Jobs
 * added here are kept in {@code $OPENPISTA_HOME/cron.json} and survive a restart; jobs of {@code
 * config.toml} change only with the file.
 */
@ProviderType
public interface CronService {

    /** @return every job, configuration jobs first, in file order */
    List<CronJob> jobs();

    /**
     * Adds a job.
     *
     * @param spec the job
     * @return the job as scheduled
     * @throws IllegalArgumentException when the schedule is not a valid cron expression, or the
     *     message is empty, with a one-line reason
     */
    CronJob add(CronJobSpec spec);

    /**
     * Removes a job added at runtime.
     *
     * @param id the job id
     * @return whether such a job existed and was removed
     * @throws IllegalArgumentException when the job comes from {@code config.toml}
     */
    boolean remove(String id);
}
