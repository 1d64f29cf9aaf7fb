package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Dataset;
import io.github.lmworkbook.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Lists the registered data sets; with --fetch, downloads (or copies from the mirror) and verifies them. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List the data sets; --fetch downloads and verifies them (LMW_DATA_MIRROR names a local mirror).")
final class DatasetsCommand implements Callable<Integer> {
    @Option(names = "--fetch", description = "Fetch and verify every data set (or the ones named with --name).")
    boolean fetch;

    @Option(names = "--name", description = "Only this data set (repeatable).")
    String[] only;

    @Override
    public Integer call() {
        for (String name : Datasets.names()) {
            if (only != null && !java.util.List.of(only).contains(name)) continue;
            Dataset d = Datasets.info(name);
            System.out.printf("%-16s %s%n%-16s sha256 %s%n", d.name(), d.url(), "", d.sha256());
            if (fetch) {
                Path p = Datasets.path(name);
                System.out.printf("%-16s -> %s%n", "", p);
            }
        }
        return 0;
    }
}
