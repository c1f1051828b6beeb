package org.openpista.skills.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds skill folders under a list of roots. The walk is bounded (depth, number of folders), never
 * follows symbolic links (a link could lead out of the root), skips hidden folders and the usual
 * dependency folders, and does not descend into a skill. A folder whose files did not change since
 * the last scan is not parsed again, so a rescan costs one walk of the folders.
 *
 * <p>Later roots win over earlier ones when two skills share a name, so a skill in the workspace
 * overrides an installed one, which overrides a bundled one.
 */
final class SkillScanner {

    /** One place to look. */
    record Root(Path dir, String origin) {}

    /**
     * What one scan found.
     *
     * @param skills the winning skill of each name
     * @param problems folders with a SKILL.md that is not a valid skill
     * @param shadowed by name, the skills of earlier roots that the winner hides
     */
    record Result(Map<String, Skill> skills, List<String> problems, Map<String, List<Skill>> shadowed) {}

    private record Cached(String stamp, String origin, Skill skill, String problem) {}

    private static final Logger LOG = LoggerFactory.getLogger(SkillScanner.class);
    private static final Set<String> SKIPPED = Set.of("node_modules", "target", "__pycache__", "venv", "build", "dist");

    private final SkillFile reader = new SkillFile();
    private final int maxDepth;
    private final int maxFolders;
    private Map<Path, Cached> cache = new HashMap<>();

    SkillScanner(int maxDepth, int maxFolders) {
        this.maxDepth = maxDepth;
        this.maxFolders = maxFolders;
    }

    /** Scans every root; not thread-safe, the catalog calls it under its lock. */
    Result scan(List<Root> roots) {
        Map<Path, Cached> next = new HashMap<>();
        Map<String, Skill> byName = new TreeMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, List<Skill>> shadowed = new TreeMap<>();
        for (Root root : roots) {
            for (Path folder : skillFolders(root.dir())) {
                Cached cached = cache.get(folder);
                String stamp = stamp(folder);
                if (cached == null || !cached.stamp.equals(stamp) || !cached.origin.equals(root.origin())) {
                    cached = parse(folder, root.origin(), stamp);
                }
                next.put(folder, cached);
                if (cached.skill == null) {
                    problems.put(folder.toString(), folder + ": " + cached.problem);
                    continue;
                }
                Skill previous = byName.put(cached.skill.name(), cached.skill);
                if (previous != null && !previous.folder().equals(folder)) {
                    shadowed.computeIfAbsent(cached.skill.name(), name -> new ArrayList<>()).add(previous);
                }
            }
        }
        cache = next;
        return new Result(byName, new ArrayList<>(problems.values()), shadowed);
    }

    private Cached parse(Path folder, String origin, String stamp) {
        try {
            return new Cached(stamp, origin, reader.read(folder, origin), "");
        } catch (IllegalArgumentException e) {
            return new Cached(stamp, origin, null, e.getMessage());
        } catch (IOException e) {
            return new Cached(stamp, origin, null, "cannot read: " + SkillFile.oneLine(e.getMessage()));
        }
    }

    /** @return the names, times and sizes of the folder's own files: changes when any of them changes */
    private static String stamp(Path folder) {
        StringBuilder stamp = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            files.sorted().forEach(file -> {
                try {
                    BasicFileAttributes attributes =
                            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    stamp.append(file.getFileName()).append(':').append(attributes.lastModifiedTime().toMillis())
                            .append(':').append(attributes.size()).append('|');
                } catch (IOException e) {
                    stamp.append(file.getFileName()).append(":?|");
                }
            });
        } catch (IOException e) {
            return "unreadable";
        }
        return stamp.toString();
    }

    /** @return the folders under {@code root} that hold a SKILL.md, without following links */
    List<Path> skillFolders(Path root) {
        List<Path> found = new ArrayList<>();
        if (root == null || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return found;
        }
        int[] visited = {0};
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), maxDepth,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                            if (++visited[0] > maxFolders) {
                                LOG.warn("Stopped looking for skills in {} after {} folders", root, maxFolders);
                                return FileVisitResult.TERMINATE;
                            }
                            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                            if (!dir.equals(root) && (name.startsWith(".") || SKIPPED.contains(name))) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            if (Files.isRegularFile(dir.resolve(SkillFile.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
                                found.add(dir);
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            LOG.warn("Cannot look for skills in {}: {}", root, SkillFile.oneLine(e.getMessage()));
        }
        return found;
    }
}
