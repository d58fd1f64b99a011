package io.tcpmesh.coordination;

import picocli.CommandLine;

/** {@code --version} of every tcpmesh program. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"tcpmesh " + Version.current()};
    }
}
