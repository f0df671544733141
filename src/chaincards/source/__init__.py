"""The first stage: the vault's files found and read (notes decoded, times from git or the file
system), as `SourceNote`s and an index of every file for links and embeds."""
