"""Entered indicators: the values data cannot give, entered by their owners with evidence, validated by a
programme pilot of the Département, then published beside the computed values (decision 0027)."""
