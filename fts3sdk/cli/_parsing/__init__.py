"""The command line's machinery on argparse: parameters read from signatures, parsing, shared options, errors."""
