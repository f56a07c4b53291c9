export PS1="sandbox# "
