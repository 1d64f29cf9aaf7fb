package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Dataset;
import io.github.lmworkbook.data.DatasetException;
import io.github.lmworkbook.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Lists the registered data sets; with --fetch, downloads (or copies from the mirror) and verifies them. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List the data sets; --fetch downloads and verifies them (LMW_DATA_MIRROR names a local mirror).")
final class DatasetsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fetch", description = "Fetch and verify every data set (or the ones named with --name).")
    boolean fetch;

    @Option(names = "--name", description = "Only this data set (repeatable).")
    String[] only;

    @Override
    public Integer call() {
        if (only != null) {
            for (String name : only) {
                try {
                    Datasets.info(name);             // an unknown name is an error, not an empty listing
                } catch (DatasetException e) {
                    throw Main.invalid(spec, "--name " + name + ": " + e.getMessage());
                }
            }
        }
        for (String name : Datasets.names()) {
            if (only != null && !List.of(only).contains(name)) continue;
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
