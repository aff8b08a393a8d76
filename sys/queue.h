/*
 * sys/queue.h: intrusive lists in the BSD style.
 *
 * SLIST  singly linked, head pointer only: free lists, O(1) push/pop.
 * LIST   doubly linked, head pointer only: O(1) removal anywhere.
 * STAILQ singly linked with a tail pointer: FIFO queues.
 * TAILQ  doubly linked with a tail pointer: run queues, ordered lists.
 *
 * The element embeds the ENTRY; nothing here allocates.  Removing an
 * element that is not on the list is undefined.
 */
#ifndef _SYS_QUEUE_H_
#define _SYS_QUEUE_H_

/* Singly linked list. */
#define SLIST_HEAD(name, type)	struct name { struct type *slh_first; }
#define SLIST_HEAD_INITIALIZER(head)	{ NULL }
#define SLIST_ENTRY(type)	struct { struct type *sle_next; }
#define SLIST_FIRST(head)	((head)->slh_first)
#define SLIST_EMPTY(head)	(SLIST_FIRST(head) == NULL)
#define SLIST_NEXT(elm, field)	((elm)->field.sle_next)
#define SLIST_INIT(head)	do { SLIST_FIRST(head) = NULL; } while (0)
#define SLIST_FOREACH(var, head, field)					\
	for ((var) = SLIST_FIRST(head); (var) != NULL;			\
	    (var) = SLIST_NEXT(var, field))
#define SLIST_INSERT_HEAD(head, elm, field) do {			\
	SLIST_NEXT(elm, field) = SLIST_FIRST(head);			\
	SLIST_FIRST(head) = (elm);					\
} while (0)
#define SLIST_REMOVE_HEAD(head, field) do {				\
	SLIST_FIRST(head) = SLIST_NEXT(SLIST_FIRST(head), field);	\
} while (0)

/* Doubly linked list. */
#define LIST_HEAD(name, type)	struct name { struct type *lh_first; }
#define LIST_HEAD_INITIALIZER(head)	{ NULL }
#define LIST_ENTRY(type)						\
	struct { struct type *le_next; struct type **le_prev; }
#define LIST_FIRST(head)	((head)->lh_first)
#define LIST_EMPTY(head)	(LIST_FIRST(head) == NULL)
#define LIST_NEXT(elm, field)	((elm)->field.le_next)
#define LIST_INIT(head)		do { LIST_FIRST(head) = NULL; } while (0)
#define LIST_FOREACH(var, head, field)					\
	for ((var) = LIST_FIRST(head); (var) != NULL;			\
	    (var) = LIST_NEXT(var, field))
#define LIST_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = LIST_FIRST(head);					\
	    (var) != NULL && ((tvar) = LIST_NEXT(var, field), 1);	\
	    (var) = (tvar))
#define LIST_INSERT_HEAD(head, elm, field) do {				\
	if ((LIST_NEXT(elm, field) = LIST_FIRST(head)) != NULL)		\
		LIST_FIRST(head)->field.le_prev = &LIST_NEXT(elm, field); \
	LIST_FIRST(head) = (elm);					\
	(elm)->field.le_prev = &LIST_FIRST(head);			\
} while (0)
#define LIST_REMOVE(elm, field) do {					\
	if (LIST_NEXT(elm, field) != NULL)				\
		LIST_NEXT(elm, field)->field.le_prev =			\
		    (elm)->field.le_prev;				\
	*(elm)->field.le_prev = LIST_NEXT(elm, field);			\
} while (0)

/* Singly linked tail queue. */
#define STAILQ_HEAD(name, type)						\
	struct name { struct type *stqh_first; struct type **stqh_last; }
#define STAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).stqh_first }
#define STAILQ_ENTRY(type)	struct { struct type *stqe_next; }
#define STAILQ_FIRST(head)	((head)->stqh_first)
#define STAILQ_EMPTY(head)	(STAILQ_FIRST(head) == NULL)
#define STAILQ_NEXT(elm, field)	((elm)->field.stqe_next)
#define STAILQ_INIT(head) do {						\
	STAILQ_FIRST(head) = NULL;					\
	(head)->stqh_last = &STAILQ_FIRST(head);			\
} while (0)
#define STAILQ_FOREACH(var, head, field)				\
	for ((var) = STAILQ_FIRST(head); (var) != NULL;			\
	    (var) = STAILQ_NEXT(var, field))
#define STAILQ_INSERT_TAIL(head, elm, field) do {			\
	STAILQ_NEXT(elm, field) = NULL;					\
	*(head)->stqh_last = (elm);					\
	(head)->stqh_last = &STAILQ_NEXT(elm, field);			\
} while (0)
#define STAILQ_REMOVE_HEAD(head, field) do {				\
	if ((STAILQ_FIRST(head) =					\
	    STAILQ_NEXT(STAILQ_FIRST(head), field)) == NULL)		\
		(head)->stqh_last = &STAILQ_FIRST(head);		\
} while (0)

/* Tail queue. */
#define TAILQ_HEAD(name, type)						\
	struct name { struct type *tqh_first; struct type **tqh_last; }
#define TAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).tqh_first }
#define TAILQ_ENTRY(type)						\
	struct { struct type *tqe_next; struct type **tqe_prev; }
#define TAILQ_FIRST(head)	((head)->tqh_first)
#define TAILQ_EMPTY(head)	(TAILQ_FIRST(head) == NULL)
#define TAILQ_NEXT(elm, field)	((elm)->field.tqe_next)
#define TAILQ_INIT(head) do {						\
	TAILQ_FIRST(head) = NULL;					\
	(head)->tqh_last = &TAILQ_FIRST(head);				\
} while (0)
#define TAILQ_FOREACH(var, head, field)					\
	for ((var) = TAILQ_FIRST(head); (var) != NULL;			\
	    (var) = TAILQ_NEXT(var, field))
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#define TAILQ_INSERT_HEAD(head, elm, field) do {			\
	if ((TAILQ_NEXT(elm, field) = TAILQ_FIRST(head)) != NULL)	\
		TAILQ_FIRST(head)->field.tqe_prev =			\
		    &TAILQ_NEXT(elm, field);				\
	else								\
		(head)->tqh_last = &TAILQ_NEXT(elm, field);		\
	TAILQ_FIRST(head) = (elm);					\
	(elm)->field.tqe_prev = &TAILQ_FIRST(head);			\
} while (0)
#define TAILQ_INSERT_TAIL(head, elm, field) do {			\
	TAILQ_NEXT(elm, field) = NULL;					\
	(elm)->field.tqe_prev = (head)->tqh_last;			\
	*(head)->tqh_last = (elm);					\
	(head)->tqh_last = &TAILQ_NEXT(elm, field);			\
} while (0)
#define TAILQ_INSERT_BEFORE(listelm, elm, field) do {			\
	(elm)->field.tqe_prev = (listelm)->field.tqe_prev;		\
	TAILQ_NEXT(elm, field) = (listelm);				\
	*(listelm)->field.tqe_prev = (elm);				\
	(listelm)->field.tqe_prev = &TAILQ_NEXT(elm, field);		\
} while (0)
#define TAILQ_REMOVE(head, elm, field) do {				\
	if (TAILQ_NEXT(elm, field) != NULL)				\
		TAILQ_NEXT(elm, field)->field.tqe_prev =		\
		    (elm)->field.tqe_prev;				\
	else								\
		(head)->tqh_last = (elm)->field.tqe_prev;		\
	*(elm)->field.tqe_prev = TAILQ_NEXT(elm, field);		\
} while (0)

#endif /* !_SYS_QUEUE_H_ */
