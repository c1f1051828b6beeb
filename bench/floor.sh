# Sourced by the start-up benchmarks: the floor every start-up figure is divided by, measured in the
# same script run so that the machine's speed and load cancel out. The floor is a Java hello world
# (compiled in a temporary folder) run by the Java the launcher picks (JAVA_HOME's, else PATH's) with
# the launcher's own JVM options (bin/openpista: -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k
# -XX:-UsePerfData -Xshare:auto) and its own small class-data sharing archive, recorded once like the
# launcher records its own; for comparison, the same hello world with the JDK's default archive only.
# Needs work set; sets floor_java, floor_wall_ms, floor_cpu_ms, floor_jdk_wall_ms, floor_jdk_cpu_ms.

floor_java=${JAVA_HOME:+$JAVA_HOME/bin/java}
floor_java=${floor_java:-$(command -v java)}
floor_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData -Xshare:auto -Xlog:cds=off)

# timed COMMAND... -> "wall_ms cpu_ms" (cpu: user + system time of the command and its children)
timed() {
    local start end cpu
    start=$(date +%s%N)
    /usr/bin/time -o "$work/timed" -f '%U %S' "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    cpu=$(tail -n 1 "$work/timed" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "$(( (end - start) / 1000000 )) $cpu"
}

# mean VALUES... (for CPU times near the 10 ms resolution of the kernel's accounting, where a median
# would only pick one of two ticks)
mean() {
    printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%d", s / NR }'
}

# median VALUES...
median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratio VALUE FLOOR -> "12.3x"
ratio() {
    awk -v v="$1" -v f="$2" 'BEGIN { if (f > 0) printf "%.1fx", v / f; else print "?" }'
}

# measure_floor RUNS: compiles and records the hello world, then takes the medians of RUNS runs each
measure_floor() {
    local runs=$1 dir="$work/floor" walls=() cpus=() jdk_walls=() jdk_cpus=() wall cpu
    mkdir -p "$dir"
    printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$dir/Hello.java"
    local bin
    bin=$(dirname "$(readlink -f "$floor_java")")
    # a jar, as the launcher's: class-data sharing archives no class from a folder
    "$bin/javac" -d "$dir/classes" "$dir/Hello.java"
    "$bin/jar" --create --file "$dir/hello.jar" -C "$dir/classes" .
    "$floor_java" "${floor_opts[@]}" -XX:ArchiveClassesAtExit="$dir/hello.jsa" -cp "$dir/hello.jar" Hello >/dev/null
    for _ in $(seq "$runs"); do
        read -r wall cpu <<<"$(timed "$floor_java" "${floor_opts[@]}" -XX:SharedArchiveFile="$dir/hello.jsa" -cp "$dir/hello.jar" Hello)"
        walls+=("$wall"); cpus+=("$cpu")
        read -r wall cpu <<<"$(timed "$floor_java" "${floor_opts[@]}" -cp "$dir/hello.jar" Hello)"
        jdk_walls+=("$wall"); jdk_cpus+=("$cpu")
    done
    floor_wall_ms=$(median "${walls[@]}")
    floor_cpu_ms=$(mean "${cpus[@]}")
    floor_jdk_wall_ms=$(median "${jdk_walls[@]}")
    floor_jdk_cpu_ms=$(mean "${jdk_cpus[@]}")
}

# print_floor: the floor lines every start-up benchmark prints first
print_floor() {
    echo "Java: $floor_java ($("$floor_java" -version 2>&1 | head -1)), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'floor  hello world, launcher JVM options + its own CDS archive:  wall %5d ms   cpu %5d ms   (wall: median, cpu: mean; the ratios divide by these)\n' \
        "$floor_wall_ms" "$floor_cpu_ms"
    printf '       hello world, launcher JVM options + JDK default CDS only:  wall %5d ms   cpu %5d ms\n' \
        "$floor_jdk_wall_ms" "$floor_jdk_cpu_ms"
}
