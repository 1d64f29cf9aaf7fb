package io.github.lmworkbook.cli;

/** Command line entry point (commands are added by the packages that provide them). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("LM Workbook");
    }
}
