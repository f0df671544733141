"""Straight into a learner's Anki collection (`chaincards sync`): the packages a build wrote
are read back (`wanted`), compared with what the collection holds (`plan`, pure), and the
difference written through Anki's own backend in one transaction (`apply`). `profiles` finds
a collection by its Anki profile's name.

Only `apply` imports the `anki` package, which is an optional extra (`chaincards[anki]`).
"""
